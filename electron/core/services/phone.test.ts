import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { countryName, isKnownCountry, normalizePhone, tryNormalizePhone } from './phone';

function reasonFor(input: string, country: string | null): string {
  try {
    normalizePhone(input, country);
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION' && error.field === 'phone') return error.message;
    throw error;
  }
  throw new Error(`expected "${input}" to be refused`);
}

describe('normalizePhone', () => {
  it('reads numbers without "+" as numbers of the default country', () => {
    expect(normalizePhone('0151 12345678', 'DE')).toBe('+4915112345678');
    expect(normalizePhone('030 1234567', 'DE')).toBe('+49301234567');
    expect(normalizePhone('(202) 555-0123', 'US')).toBe('+12025550123');
    expect(normalizePhone('202.555.0123', 'US')).toBe('+12025550123');
    expect(normalizePhone('98765 43210', 'IN')).toBe('+919876543210');
  });

  it('reads numbers with "+" or an international prefix whatever the default country', () => {
    expect(normalizePhone('+49 151 12345678', 'US')).toBe('+4915112345678');
    expect(normalizePhone('+1 202 555 0123', 'DE')).toBe('+12025550123');
    expect(normalizePhone('+91 98765 43210', 'DE')).toBe('+919876543210');
    expect(normalizePhone('0049 151 12345678', 'DE')).toBe('+4915112345678');
    expect(normalizePhone('  +4915112345678  ', null)).toBe('+4915112345678');
  });

  it('uses the default country it is given: the same digits are different numbers', () => {
    expect(normalizePhone('2025550123', 'US')).toBe('+12025550123');
    expect(normalizePhone('2025550123', 'DE')).toBe('+492025550123');
  });

  it('says a number is too short or too long for its country', () => {
    expect(reasonFor('123', 'DE')).toBe('This number is too short for Germany');
    expect(reasonFor('2025550', 'US')).toBe('This number is too short for the United States');
    expect(reasonFor('202555012345', 'US')).toBe('This number is too long for the United States');
    expect(reasonFor('015112345678901234', 'DE')).toBe('This number is too long for Germany');
    expect(reasonFor('+4915', 'US')).toBe('This number is too short for Germany');
    expect(reasonFor('12345678901234567890', 'DE')).toMatch(/too long/);
  });

  it('refuses a number of the right length that does not exist, and says how to enter a foreign one', () => {
    expect(reasonFor('0151 1234', 'DE')).toBe(
      'Not a valid phone number for Germany. If it is from another country, start it with + and the country code',
    );
    expect(reasonFor('1234567890', 'US')).toMatch(/^Not a valid phone number for the United States/);
    expect(reasonFor('0151 12', 'DE')).toMatch(/^Not a valid phone number for Germany\./);
    expect(reasonFor('98765432101', 'IN')).toMatch(/^Not a valid phone number for India\./);
    // "+1" is shared by many countries; none of them has this number.
    expect(reasonFor('+1 123 456 7890', 'DE')).toBe('Not a valid phone number for the country code +1');
    expect(reasonFor('+49 151 1234', 'US')).toBe('Not a valid phone number for Germany');
  });

  it('refuses letters, extensions and text without digits', () => {
    expect(reasonFor('1-800-FLOWERS', 'US')).toMatch(/only digits, spaces/);
    expect(reasonFor('202-555-0123 x12', 'US')).toMatch(/only digits, spaces/);
    expect(reasonFor('=HYPERLINK("x")', 'US')).toMatch(/only digits, spaces/);
    expect(reasonFor('+ - ( )', 'US')).toBe('That is not a phone number: it has no digits');
    expect(reasonFor('   ', 'US')).toBe('Phone number is required');
  });

  it('names an unknown country calling code', () => {
    expect(reasonFor('+999 123456', 'DE')).toBe('There is no country with the code +999. Check the digits after the "+"');
  });

  it('asks for the country code when there is no usable default country', () => {
    const ask = 'Add the country code (e.g. +49) or set the default country in Settings';
    expect(reasonFor('015112345678', null)).toBe(ask);
    expect(reasonFor('015112345678', 'XX')).toBe(ask);
  });

  it('answers instead of throwing in bulk mode', () => {
    expect(tryNormalizePhone('0151 12345678', 'DE')).toEqual({ ok: true, phone: '+4915112345678' });
    expect(tryNormalizePhone('123', 'DE')).toEqual({ ok: false, reason: 'This number is too short for Germany' });
  });
});

describe('countries', () => {
  it('knows the countries libphonenumber knows, in upper case', () => {
    expect(isKnownCountry('DE')).toBe(true);
    expect(isKnownCountry('IN')).toBe(true);
    expect(isKnownCountry('de')).toBe(false);
    expect(isKnownCountry('XX')).toBe(false);
  });

  it('names countries in English, with an article where one is needed', () => {
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('US')).toBe('the United States');
    expect(countryName('GB')).toBe('the United Kingdom');
    expect(countryName('IN')).toBe('India');
  });
});
