/**
 * The last stored value of a setting and what it parsed to. SettingsRepository.get hands back the
 * same (frozen) object while the stored text is unchanged, so identity means "same value": a
 * setting read on every message is validated once per change instead of every time.
 */
export class ParseMemo<T> {
  private last: { stored: unknown; result: T } | null = null;

  get(stored: unknown, parse: (stored: unknown) => T): T {
    if (this.last !== null && this.last.stored === stored) return this.last.result;
    const result = parse(stored);
    this.last = { stored, result };
    return result;
  }
}
