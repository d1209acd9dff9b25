/**
 * What a search box matches, and the two ways the database can find it.
 *
 * A contact matches a search when its folded name contains the folded term, or, for a term that
 * looks like (part of) a phone number, when its phone contains the term's digits (search-key.ts).
 * Both are plain substring matches ("nna" finds Anna, "1003" finds +49 151 1003…).
 *
 * - Indexed: the trigram indexes of migration 0004 find the matching contacts without reading
 *   the others. A trigram index can answer a substring only if it is at least three characters
 *   long, so it is used when the term (and its digits, if any) are.
 * - Scan: `instr` on every candidate row. For one- and two-character terms, and for small sets
 *   where reading every row costs less than asking the index.
 *
 * Both give exactly the same rows: the index is built from the folded `name_key` and the E.164
 * `phone` with a case-sensitive tokenizer, and queried with the term as one phrase, which with
 * trigrams means "contains this substring".
 */
import { foldForSearch, phoneDigitsOf } from './search-key';

/** Shortest substring a trigram index can find. */
const TRIGRAM = 3;

export interface SearchTerms {
  /** The folded term; '' means no search. */
  term: string;
  /** The digits to look for in phone numbers; '' when the term does not look like a phone number. */
  digits: string;
}

/** The statement parameters a search needs (all of them, whichever way it runs). */
export interface SearchParams {
  term: string;
  digits: string;
  /** FTS5 query for the name index (a quoted phrase). */
  nameMatch: string;
  /** FTS5 query for the phone index; '' when the term has no digits to look for. */
  phoneMatch: string;
}

export function searchTermsOf(search: string): SearchTerms {
  const term = foldForSearch(search.trim());
  return { term, digits: phoneDigitsOf(term) };
}

export function searchParamsOf(terms: SearchTerms): SearchParams {
  return {
    term: terms.term,
    digits: terms.digits,
    nameMatch: phrase(terms.term),
    phoneMatch: terms.digits === '' ? '' : phrase(terms.digits),
  };
}

/** True when the trigram indexes can answer this search (every part is three characters or more). */
export function indexable(terms: SearchTerms): boolean {
  return codePoints(terms.term) >= TRIGRAM && (terms.digits === '' || terms.digits.length >= TRIGRAM);
}

/** SQL condition matching the contact row aliased `alias` by reading it (parameters @term, @digits). */
export function scanCondition(alias: string): string {
  return `(instr(${alias}.name_key, @term) > 0 OR (@digits <> '' AND instr(${alias}.phone, @digits) > 0))`;
}

/** Which index(es) a search needs: names only, or for a phone-like term the phones and (if any name matches too) the names. */
export type IndexedSearch = 'name' | 'phone' | 'both';

/** SQL (parameter @nameMatch) that returns a row when some name matches: decides 'phone' against 'both'. */
export const ANY_NAME_MATCH = 'SELECT 1 FROM contacts_name_search WHERE contacts_name_search MATCH @nameMatch LIMIT 1';

/**
 * Which indexes answer this (indexable) search. A phone-like term almost never matches a name
 * too, and then the name index is left out: merging its (empty) matches into the phone matches
 * would still cost a pass to drop duplicates.
 */
export function indexedSearchOf(terms: SearchTerms, anyNameMatches: () => boolean): IndexedSearch {
  if (terms.digits === '') return 'name';
  return anyNameMatches() ? 'both' : 'phone';
}

/**
 * SQL subquery yielding the `id` of every matching contact, each once, from the indexes
 * (parameters @nameMatch and/or @phoneMatch).
 */
export function indexedMatches(search: IndexedSearch): string {
  const byName = 'SELECT rowid AS id FROM contacts_name_search WHERE contacts_name_search MATCH @nameMatch';
  const byPhone = 'SELECT rowid AS id FROM contacts_phone_search WHERE contacts_phone_search MATCH @phoneMatch';
  switch (search) {
    case 'name':
      return byName;
    case 'phone':
      return byPhone;
    case 'both':
      // UNION, not UNION ALL: a contact whose name and phone both match is one match.
      return `${byName} UNION ${byPhone}`;
  }
}

/** An FTS5 phrase: the text in double quotes (doubled inside), so no character has a query meaning. */
function phrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Length in characters (the tokenizer's unit), not UTF-16 code units. */
function codePoints(text: string): number {
  return Array.from(text).length;
}
