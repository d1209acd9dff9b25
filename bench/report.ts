/** A measured figure against its budget, and the table `npm run bench` prints. */
export interface BenchResult {
  name: string;
  /** Measured value, in `unit`. */
  value: number;
  unit: string;
  /** The value must stay below this (DESIGN.md §7); absent for figures recorded for information. */
  budget?: number;
  /** Extra context printed after the table (rows, rates…). */
  note?: string;
}

export function passed(result: BenchResult): boolean {
  return result.budget === undefined || result.value < result.budget;
}

export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    `${r.value.toFixed(r.value < 10 ? 2 : r.value < 100 ? 1 : 0)} ${r.unit}`,
    r.budget === undefined ? '—' : `< ${r.budget} ${r.unit}`,
    r.budget === undefined ? 'info' : passed(r) ? 'pass' : 'FAIL',
  ]);
  const header = ['benchmark', 'measured', 'budget', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  const notes = results.filter((r) => r.note !== undefined).map((r) => `- ${r.name}: ${r.note}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...notes].join('\n');
}
