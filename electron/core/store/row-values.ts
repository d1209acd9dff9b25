/**
 * Narrowing of values read back from SQLite. The schema's CHECK constraints already guarantee
 * them; these turn the guarantee into a type without casts, and fail loudly if the file was edited
 * by hand into something the app does not understand.
 */
import { delayUnits, mediaKinds, type DelayUnit } from '../../../shared/contract';
import type { MediaKind } from '../../../shared/domain';

export function toBoolean(value: number): boolean {
  return value !== 0;
}

export function fromBoolean(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function toDelayUnit(value: string): DelayUnit {
  const unit = delayUnits.find((u) => u === value);
  if (unit === undefined) throw new Error(`Unknown delay unit in the database: ${value}`);
  return unit;
}

export function toMediaKind(value: string): MediaKind {
  const kind = mediaKinds.find((k) => k === value);
  if (kind === undefined) throw new Error(`Unknown media kind in the database: ${value}`);
  return kind;
}
