/**
 * The Sending settings form's model: the stored settings as the form edits them (text in number
 * inputs, a switch for quiet hours), the checks the owner should hear about before a round trip,
 * and where a server error about `sending.…` belongs in the form.
 */
import { IsoDateSchema, TimeOfDaySchema } from '../../../../shared/contract';
import type { SendingSettings } from '../../../../shared/domain';

export type CatchUpKind = SendingSettings['catchUp']['kind'];
export type FailurePolicy = SendingSettings['onPermanentFailure'];

export interface SendingDraft {
  quietOn: boolean;
  quietStart: string;
  quietEnd: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** yyyy-MM-dd, sorted. */
  closedDates: string[];
  minGap: string;
  maxGap: string;
  /** Empty: no daily cap. */
  dailyCap: string;
  catchUp: CatchUpKind;
  catchUpHours: string;
  failurePolicy: FailurePolicy;
}

/** The form's fields, each with the contract path the server names in `error.field`. */
export const SENDING_FIELDS = {
  quietHours: 'sending.window.quietHours',
  weekdays: 'sending.window.allowedWeekdays',
  closedDates: 'sending.window.closedDates',
  minGap: 'sending.pacing.minGapSeconds',
  maxGap: 'sending.pacing.maxGapSeconds',
  dailyCap: 'sending.pacing.dailyCap',
  catchUp: 'sending.catchUp',
  catchUpHours: 'sending.catchUp.hours',
  failurePolicy: 'sending.onPermanentFailure',
} as const;

export type SendingField = keyof typeof SENDING_FIELDS;
export type SendingErrors = Partial<Record<SendingField, string>>;

/** Suggested quiet hours when the owner switches them on: nothing at night. */
const DEFAULT_QUIET = { start: '21:00', end: '09:00' };
const GAP_MAX = 3600;
const CAP_MAX = 100_000;
const LATE_HOURS_MAX = 24 * 30;
const CLOSED_DATES_MAX = 366;

export function draftFrom(sending: SendingSettings): SendingDraft {
  const { window, pacing, catchUp, onPermanentFailure } = sending;
  return {
    quietOn: window.quietHours !== null,
    quietStart: window.quietHours?.start ?? DEFAULT_QUIET.start,
    quietEnd: window.quietHours?.end ?? DEFAULT_QUIET.end,
    weekdays: [...window.allowedWeekdays].sort((a, b) => a - b),
    closedDates: [...window.closedDates].sort(),
    minGap: String(pacing.minGapSeconds),
    maxGap: String(pacing.maxGapSeconds),
    dailyCap: pacing.dailyCap === null ? '' : String(pacing.dailyCap),
    catchUp: catchUp.kind,
    catchUpHours: catchUp.kind === 'skip-if-late' ? String(catchUp.hours) : '24',
    failurePolicy: onPermanentFailure,
  };
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

const isTimeOfDay = (text: string): boolean => TimeOfDaySchema.safeParse(text).success;

/** The settings the draft stands for, or what to fix first, field by field. */
export function sendingFrom(draft: SendingDraft): { value: SendingSettings } | { errors: SendingErrors } {
  const errors: SendingErrors = {};

  if (draft.quietOn) {
    if (!isTimeOfDay(draft.quietStart) || !isTimeOfDay(draft.quietEnd)) errors.quietHours = 'Give both times, e.g. 21:00 and 09:00.';
    else if (draft.quietStart === draft.quietEnd) errors.quietHours = 'Start and end are the same time. Pick when the quiet hours end.';
  }
  if (draft.weekdays.length === 0) errors.weekdays = 'Allow at least one day, or nothing will ever be sent.';
  if (draft.closedDates.length > CLOSED_DATES_MAX) errors.closedDates = `At most ${CLOSED_DATES_MAX} closed days.`;

  const minGap = wholeNumber(draft.minGap);
  const maxGap = wholeNumber(draft.maxGap);
  if (minGap === null || minGap > GAP_MAX) errors.minGap = `A whole number of seconds from 0 to ${GAP_MAX}.`;
  if (maxGap === null || maxGap > GAP_MAX) errors.maxGap = `A whole number of seconds from 0 to ${GAP_MAX}.`;
  else if (minGap !== null && maxGap < minGap) errors.maxGap = 'The longest gap cannot be shorter than the shortest.';

  let dailyCap: number | null = null;
  if (draft.dailyCap.trim() !== '') {
    dailyCap = wholeNumber(draft.dailyCap);
    if (dailyCap === null || dailyCap < 1 || dailyCap > CAP_MAX) errors.dailyCap = `A whole number from 1 to ${CAP_MAX.toLocaleString('en-GB')}, or empty for no limit.`;
  }

  const hours = wholeNumber(draft.catchUpHours);
  if (draft.catchUp === 'skip-if-late' && (hours === null || hours < 1 || hours > LATE_HOURS_MAX)) {
    errors.catchUpHours = `A whole number of hours from 1 to ${LATE_HOURS_MAX}.`;
  }

  if (Object.keys(errors).length > 0 || minGap === null || maxGap === null) return { errors };
  return {
    value: {
      window: {
        quietHours: draft.quietOn ? { start: draft.quietStart, end: draft.quietEnd } : null,
        allowedWeekdays: [...draft.weekdays].sort((a, b) => a - b),
        closedDates: [...draft.closedDates].sort(),
      },
      pacing: { minGapSeconds: minGap, maxGapSeconds: maxGap, dailyCap },
      catchUp: draft.catchUp === 'skip-if-late' ? { kind: 'skip-if-late', hours: hours ?? 1 } : { kind: 'send-late' },
      onPermanentFailure: draft.failurePolicy,
    },
  };
}

/** The form field a server error path (e.g. `sending.window.closedDates.2`) is about, if it shows one. */
export function sendingFieldFor(path: string | undefined): SendingField | null {
  if (!path) return null;
  let best: { field: SendingField; length: number } | null = null;
  for (const [field, fieldPath] of Object.entries(SENDING_FIELDS) as Array<[SendingField, string]>) {
    const matches = path === fieldPath || path.startsWith(`${fieldPath}.`);
    if (matches && (best === null || fieldPath.length > best.length)) best = { field, length: fieldPath.length };
  }
  return best?.field ?? null;
}

/** Adds a closed day (kept sorted, once); null when the text is not a date. */
export function withClosedDate(dates: readonly string[], date: string): string[] | null {
  if (!IsoDateSchema.safeParse(date).success) return null;
  return [...new Set([...dates, date])].sort();
}
