/**
 * Personalisation of message bodies.
 *
 * `{{name}}` is replaced by the contact's attribute; `{{name|there}}` falls back to "there" when
 * the contact has no (or an empty) value. Keys are case-insensitive and may hold letters, digits,
 * `_`, `-`, `.` and spaces. Anything that does not parse as a placeholder is left as written, so a
 * body can still contain literal braces.
 *
 * Pure and shared: the editor's live preview and the sending engine render the same way.
 *
 * Keys come from message bodies and contact attributes, i.e. from people, so lookups never touch
 * `Object.prototype`: `{{constructor}}`, `{{__proto__}}` or `{{toString|there}}` are ordinary
 * (usually missing) attributes, never JavaScript built-ins. Values are own entries of a Map or a
 * null-prototype object only.
 */
export const BUILT_IN_ATTRIBUTES = ['name', 'first_name', 'phone'] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.\- ]{1,64}?)\s*(?:\|([^{}]{0,200}))?\}\}/g;

export interface Placeholder {
  key: string;
  fallback: string | null;
}

export type TemplateValues = Readonly<Record<string, string | null | undefined>>;

function normaliseKey(key: string): string {
  return key.trim().toLowerCase();
}

/** Attribute values keyed case-insensitively, with `first_name` derived from `name`. */
export function templateValues(contact: {
  name?: string | null;
  phone?: string | null;
  attributes?: Readonly<Record<string, string>>;
}): Record<string, string> {
  // No prototype: an attribute called "__proto__" or "constructor" is just an attribute.
  const values = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(contact.attributes ?? {})) {
    if (typeof value === 'string') values[normaliseKey(key)] = value;
  }
  const name = contact.name?.trim() ?? '';
  if (name) {
    values.name = name;
    values.first_name = name.split(/\s+/)[0] ?? name;
  }
  if (contact.phone) values.phone = contact.phone;
  return values;
}

export function renderTemplate(body: string, values: TemplateValues): string {
  const lookup = new Map<string, string>();
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') lookup.set(normaliseKey(key), value);
  }
  return body.replace(PLACEHOLDER, (_match, rawKey: string, fallback: string | undefined) => {
    const value = lookup.get(normaliseKey(rawKey));
    if (value !== undefined && value.trim() !== '') return value;
    return fallback?.trim() ?? '';
  });
}

export function listPlaceholders(body: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    found.push({ key: normaliseKey(match[1] ?? ''), fallback: match[2]?.trim() ?? null });
  }
  return found;
}

/** The text to insert for an attribute picked in the editor. */
export function placeholderFor(key: string, fallback?: string): string {
  return fallback ? `{{${key}|${fallback}}}` : `{{${key}}}`;
}
