import { z } from 'zod';

export const IdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** UTC epoch milliseconds. */
export const EpochMsSchema = z.number().int().min(0).max(8.64e15);
