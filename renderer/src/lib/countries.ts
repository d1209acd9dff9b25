/**
 * Countries for "Default country for phone numbers": the ISO 3166-1 alpha-2 codes with a phone
 * numbering plan, named in English by Intl.DisplayNames and sorted by name.
 */
const CODES = (
  'AC AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW BY BZ CA CC CD CF CG CH ' +
  'CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN ' +
  'GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR ' +
  'LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE ' +
  'PF PG PH PK PL PM PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA TC TD TG TH ' +
  'TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
).split(' ');

export interface Country {
  code: string;
  name: string;
}

let names: Intl.DisplayNames | null = null;

export function countryName(code: string): string {
  names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  try {
    return names.of(code) ?? code;
  } catch {
    // DisplayNames throws RangeError for a malformed code; such a code is shown as it is.
    return code;
  }
}

let sorted: Country[] | null = null;

/** Every country, by name; `include` (the saved code) is added when the list lacks it. */
export function countries(include?: string): Country[] {
  sorted ??= CODES.map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name, 'en'));
  if (include && !sorted.some((country) => country.code === include)) {
    return [...sorted, { code: include, name: countryName(include) }].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  }
  return sorted;
}
