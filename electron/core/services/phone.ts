/**
 * Phone numbers as people type them → E.164, or a reason a shop owner understands.
 *
 * Uses libphonenumber-js with its 'max' metadata: the default metadata only checks lengths, so it
 * would accept "0151 1234" as a German number; 'max' knows the number plans and refuses it.
 * A number typed without `+` (or an international prefix such as 00) is read as a number of the
 * default country from the settings.
 *
 * Pure and free of the event bus: the CSV import calls it from a worker thread.
 */
import {
  ParseError,
  isSupportedCountry,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { AppError, validation } from '../errors';

const FIELD = 'phone';
/** E.164: a plus and at most 15 digits. */
const E164_DIGITS_MAX = 15;

/** Whether libphonenumber knows this ISO 3166-1 alpha-2 code (upper case). */
export function isKnownCountry(code: string): code is CountryCode {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/** "Germany", "the United States": for "… for <country>" in messages. */
export function countryName(code: string): string {
  const name = regionNames().of(code) ?? code;
  return NEEDS_THE.has(code) ? `the ${name}` : name;
}

/** Country names that read wrong without an article ("valid for United States"). */
const NEEDS_THE = new Set(['US', 'GB', 'NL', 'PH', 'AE', 'DO', 'CF', 'BS', 'GM', 'MV', 'KM', 'SC', 'MH', 'SB', 'VA', 'CZ', 'CD', 'CG']);

let cachedRegionNames: Intl.DisplayNames | undefined;
function regionNames(): Intl.DisplayNames {
  cachedRegionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  return cachedRegionNames;
}

/**
 * The number in E.164 (e.g. "+4915112345678"). Throws a VALIDATION AppError on field `phone`
 * saying why the number cannot be used.
 */
export function normalizePhone(input: string, defaultCountry: string | null): string {
  const text = input.trim();
  if (text === '') throw validation('Phone number is required', FIELD);
  if (/[^\d\s+()\-./]/.test(text)) {
    throw validation('A phone number may contain only digits, spaces, "+", "-", "(", ")" and "."', FIELD);
  }
  const digits = text.replace(/\D/g, '');
  if (digits === '') throw validation('That is not a phone number: it has no digits', FIELD);

  const international = text.startsWith('+');
  const country = defaultCountry !== null && isKnownCountry(defaultCountry) ? defaultCountry : undefined;
  if (!international && country === undefined) {
    throw validation('Add the country code (e.g. +49) or set the default country in Settings', FIELD);
  }

  let phone: PhoneNumber;
  try {
    phone = parsePhoneNumberWithError(text, country === undefined ? {} : { defaultCountry: country });
  } catch (error) {
    if (error instanceof ParseError) throw validation(parseErrorReason(error.message, text, country), FIELD);
    throw error;
  }

  // The place name is only for error messages: resolving it for every valid number cost about a
  // third of a 100,000-row import's phone checks.
  const where = (): string => placeOf(phone, international ? undefined : country);
  if (!phone.isValid()) {
    const length = validatePhoneNumberLength(text, country === undefined ? {} : { defaultCountry: country });
    throw validation(invalidReason(length, where(), international), FIELD);
  }
  if (phone.number.length - 1 > E164_DIGITS_MAX) throw validation(`This number is too long for ${where()}`, FIELD);
  return phone.number;
}

/** Like `normalizePhone`, but answers instead of throwing (for bulk validation). */
export function tryNormalizePhone(
  input: string,
  defaultCountry: string | null,
): { ok: true; phone: string } | { ok: false; reason: string } {
  try {
    return { ok: true, phone: normalizePhone(input, defaultCountry) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, reason: error.message };
    throw error;
  }
}

function parseErrorReason(code: string, text: string, country: CountryCode | undefined): string {
  switch (code) {
    case 'INVALID_COUNTRY':
      return text.startsWith('+')
        ? `There is no country with the code ${countryCallingCodeOf(text)}. Check the digits after the "+"`
        : 'Add the country code (e.g. +49) or set the default country in Settings';
    case 'TOO_SHORT':
      return `This number is too short${country === undefined ? '' : ` for ${countryName(country)}`}`;
    case 'TOO_LONG':
      return 'This number is too long for a phone number';
    default:
      return 'That is not a phone number';
  }
}

/** The country a number belongs to, for "… for <place>": its country, the default one, or "the country code +1". */
function placeOf(phone: PhoneNumber, typedFor: CountryCode | undefined): string {
  if (typedFor !== undefined) return countryName(typedFor);
  if (phone.country !== undefined) return countryName(phone.country);
  const countries = phone.getPossibleCountries();
  const only = countries.length === 1 ? countries[0] : undefined;
  return only === undefined ? `the country code +${phone.countryCallingCode}` : countryName(only);
}

function invalidReason(length: ReturnType<typeof validatePhoneNumberLength>, where: string, international: boolean): string {
  switch (length) {
    case 'TOO_SHORT':
      return `This number is too short for ${where}`;
    case 'TOO_LONG':
      return `This number is too long for ${where}`;
    case 'INVALID_LENGTH':
      return `This number has the wrong number of digits for ${where}`;
    default:
      // Right length, but no such number in that country's plan. Without a "+", the owner may
      // have typed a foreign number: say how to enter one.
      return international
        ? `Not a valid phone number for ${where}`
        : `Not a valid phone number for ${where}. If it is from another country, start it with + and the country code`;
  }
}

/** "+999" from "+999 1234": the digits after "+" libphonenumber could not place (up to 3). */
function countryCallingCodeOf(text: string): string {
  return `+${text.replace(/\D/g, '').slice(0, 3)}`;
}
