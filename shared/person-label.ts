/**
 * How a person is named to the shop owner: their name, else their phone number, else (a customer
 * known only by a WhatsApp privacy id) "WhatsApp contact". One rule for the core's messages and
 * the UI.
 */
export function personLabel(person: { name: string; phone: string | null }): string {
  return person.name.trim() || person.phone || 'WhatsApp contact';
}
