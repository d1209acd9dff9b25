/**
 * Folding for search and sort of people's names: "José", "JOSE" and "jose" are the same to a shop
 * owner typing in a search box. SQLite's NOCASE folds ASCII only, so the repository stores the
 * folded name (`contacts.name_key`) and folds the search term the same way.
 */

/** NFD without combining marks, lower case. */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The digits to look for in phone numbers, when the term looks like (part of) a phone number:
 * only digits and the usual separators. "Anna 2" is a name search, not a phone search.
 */
export function phoneDigitsOf(term: string): string {
  if (!/^[\d\s+()\-./]+$/.test(term)) return '';
  return term.replace(/\D/g, '');
}
