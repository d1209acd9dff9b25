import type { ImportRowError } from './import-rows';
import { toCsv } from './csv-write';

/**
 * The rows an import skipped, as a CSV the owner downloads, fixes and imports again: line in the
 * original file, why it was skipped, and the row as it was. The original row is a CSV line itself;
 * it is kept whole in one cell (quoted), and neutralised like any exported cell since it came from
 * an untrusted file. Just the header when nothing was skipped.
 */
export function errorReportCsv(skipped: readonly ImportRowError[]): string {
  return toCsv(
    ['line', 'reason', 'row'],
    skipped.map(({ line, reason, raw }) => [String(line), reason, raw]),
  );
}
