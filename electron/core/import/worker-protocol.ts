/**
 * What the main thread and the CSV worker (csv-worker.ts) say to each other. Only plain,
 * structured-cloneable data crosses; AppErrors travel as their API form.
 */
import type { ApiError, ParsedInput } from '../../../shared/contract';
import type { ImportProgress, ImportResult } from '../../../shared/domain';
import type { ScheduleContext } from '../schedule/timing-rules';
import type { CsvExport, ExportRequest } from './csv-export';

export type ImportInput = ParsedInput<'contacts.import'>;

/** What the import needs to know besides the file: read on the main thread when it starts. */
export interface ImportEnvironment {
  /** subscribed_at of everyone the import subscribes (UTC epoch ms). */
  now: number;
  /** ISO 3166-1 alpha-2, for numbers written without `+`. */
  defaultCountry: string;
  /** Business time zone and whatever else the timing rules read from the settings. */
  schedule: ScheduleContext;
}

export type CsvJob =
  | {
      kind: 'import';
      input: ImportInput;
      env: ImportEnvironment;
      /** Int32Array over it; element 0 becomes 1 when the owner cancels. */
      cancelFlag: SharedArrayBuffer;
    }
  | { kind: 'export'; request: ExportRequest; now: number; timeZone: string };

export interface CsvWorkerData {
  dbPath: string;
  job: CsvJob;
}

export type CsvWorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'imported'; result: ImportResult }
  | { type: 'exported'; result: CsvExport }
  /** `error` is set for an AppError (shown to the owner); otherwise only `detail`, for the log. */
  | { type: 'failed'; error: ApiError | null; detail: string };
