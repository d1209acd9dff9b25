/** True when the runtime's Intl knows this IANA zone name (works in Node and in Chromium). */
export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
