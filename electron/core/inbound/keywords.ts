/**
 * STOP and START keywords (Settings → Sequence Auto Subscription): a message IS a keyword when
 * the whole message, trimmed, equals one of them — "stop please" is a reply, not an opt-out.
 *
 * Compared case- and accent-insensitively ("Stop", "STÓP" and "stop" are the same), with runs of
 * spaces read as one, and with punctuation, symbols and emoji at either end ignored: people write
 * "Stop!", "STOP.", "stop 🛑" or "«stop»" and mean STOP. Punctuation inside ("st.op") is kept, so
 * nothing that is not the keyword becomes one.
 */
import { foldForSearch } from '../store/search-key';

export type KeywordMatch = { kind: 'stop' | 'start'; keyword: string } | null;

/** The form both sides are compared in. */
export function keywordForm(text: string): string {
  return foldForSearch(text)
    .replace(/^[\p{P}\p{S}\p{Z}\s]+|[\p{P}\p{S}\p{Z}\s]+$/gu, '')
    .replace(/[\p{Z}\s]+/gu, ' ');
}

/**
 * Which keyword the message is, if any. STOP wins over START should the owner have listed a word
 * as both: opting someone out by mistake is the lesser harm.
 */
export function matchKeyword(text: string, keywords: { stopKeywords: readonly string[]; startKeywords: readonly string[] }): KeywordMatch {
  const form = keywordForm(text);
  if (form === '') return null;
  const stop = keywords.stopKeywords.find((keyword) => keywordForm(keyword) === form);
  if (stop !== undefined) return { kind: 'stop', keyword: stop };
  const start = keywords.startKeywords.find((keyword) => keywordForm(keyword) === form);
  return start === undefined ? null : { kind: 'start', keyword: start };
}
