/**
 * Settings → Sequence Auto Subscription: the form's draft and how it becomes `settings.inbound`.
 * Keywords are typed as one comma-separated line each ("STOP, UNSUBSCRIBE, Stopp"); repeats are
 * dropped (case-insensitively, as the core matches them) and the order kept.
 */
import { InboundSettingsSchema } from '../../../shared/contract';
import type { InboundSettings } from '../../../shared/domain';

export interface InboundDraft {
  autoSubscribeSequenceIds: number[];
  stopKeywords: string;
  startKeywords: string;
  stopConfirmation: string;
  startConfirmation: string;
}

export type InboundFormErrors = Partial<Record<keyof InboundDraft, string>>;

export function keywordsFrom(text: string): string[] {
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const keyword = part.trim();
    const key = keyword.toLocaleLowerCase();
    if (keyword === '' || seen.has(key)) continue;
    seen.add(key);
    keywords.push(keyword);
  }
  return keywords;
}

export function keywordsText(keywords: readonly string[]): string {
  return keywords.join(', ');
}

export function inboundDraftFrom(saved: InboundSettings): InboundDraft {
  return {
    autoSubscribeSequenceIds: [...saved.autoSubscribeSequenceIds],
    stopKeywords: keywordsText(saved.stopKeywords),
    startKeywords: keywordsText(saved.startKeywords),
    stopConfirmation: saved.stopConfirmation,
    startConfirmation: saved.startConfirmation,
  };
}

export type InboundResult = { ok: true; settings: InboundSettings } | { ok: false; errors: InboundFormErrors };

const FIELD_NAMES: readonly (keyof InboundDraft)[] = ['autoSubscribeSequenceIds', 'stopKeywords', 'startKeywords', 'stopConfirmation', 'startConfirmation'];

export function inboundSettingsFrom(draft: InboundDraft): InboundResult {
  const stop = keywordsFrom(draft.stopKeywords);
  const start = keywordsFrom(draft.startKeywords);
  const errors: InboundFormErrors = {};
  const stopSet = new Set(stop.map((keyword) => keyword.toLocaleLowerCase()));
  const both = start.filter((keyword) => stopSet.has(keyword.toLocaleLowerCase()));
  if (both.length > 0) errors.startKeywords = `“${both.join('”, “')}” cannot be both a STOP and a START keyword.`;
  const parsed = InboundSettingsSchema.safeParse({
    autoSubscribeSequenceIds: draft.autoSubscribeSequenceIds,
    stopKeywords: stop,
    startKeywords: start,
    stopConfirmation: draft.stopConfirmation,
    startConfirmation: draft.startConfirmation,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_NAMES.find((name) => name === issue.path[0]);
      if (field !== undefined) errors[field] ??= issue.message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: parsed.data };
}

/** Whether the draft differs from what is stored (order of the chosen sequences does not matter). */
export function inboundChanged(draft: InboundDraft, saved: InboundSettings): boolean {
  const chosen = [...draft.autoSubscribeSequenceIds].sort((a, b) => a - b);
  const stored = [...saved.autoSubscribeSequenceIds].sort((a, b) => a - b);
  return (
    chosen.join(',') !== stored.join(',') ||
    keywordsText(keywordsFrom(draft.stopKeywords)) !== keywordsText(saved.stopKeywords) ||
    keywordsText(keywordsFrom(draft.startKeywords)) !== keywordsText(saved.startKeywords) ||
    draft.stopConfirmation.trim() !== saved.stopConfirmation ||
    draft.startConfirmation.trim() !== saved.startConfirmation
  );
}
