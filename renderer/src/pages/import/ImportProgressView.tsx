/** Step 3 of the import while it runs: a progress bar fed by `import.progress` events. */
import type { ImportProgress } from '../../../../shared/domain';

const PHASES: Record<ImportProgress['phase'], { label: string; from: number; to: number }> = {
  parsing: { label: 'Reading the file', from: 0, to: 20 },
  // Each chunk of rows is saved as soon as its phones are checked: most of the import's time.
  validating: { label: 'Checking and saving the contacts', from: 20, to: 80 },
  writing: { label: 'Finishing the import', from: 80, to: 99 },
  done: { label: 'Finishing', from: 100, to: 100 },
  cancelled: { label: 'Cancelled', from: 0, to: 0 },
  failed: { label: 'Stopped', from: 0, to: 0 },
};

/** Overall percent: each phase fills its own stretch of the bar, so it never runs backwards. */
export function overallPercent(progress: ImportProgress | null): number {
  if (progress === null) return 0;
  const phase = PHASES[progress.phase];
  const share = progress.total > 0 ? Math.min(1, progress.processed / progress.total) : 0;
  return Math.round(phase.from + (phase.to - phase.from) * share);
}

export function ImportProgressView({ progress, cancelling, fileName }: { progress: ImportProgress | null; cancelling: boolean; fileName: string }) {
  const percent = overallPercent(progress);
  const phase = progress ? PHASES[progress.phase] : null;
  const counting = progress !== null && (progress.phase === 'validating' || progress.phase === 'writing') && progress.total > 0;
  const label = cancelling ? 'Cancelling — nothing will be imported' : (phase?.label ?? 'Starting');
  return (
    <div className="import-run">
      <p className="import-run-file">
        Importing <strong>{fileName}</strong>
      </p>
      <div
        className="progress progress-large"
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${label}, ${percent}%`}
        data-testid="import-progress"
        data-phase={progress?.phase ?? 'starting'}
      >
        <span className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="import-run-status" aria-live="polite">
        <span>{label}…</span>
        <span className="muted">
          {counting ? `${progress.processed.toLocaleString('en-GB')} of ${progress.total.toLocaleString('en-GB')} rows · ` : ''}
          {percent}%
        </span>
      </p>
      <p className="muted small">Everything is saved in one go at the end: if you cancel, nothing from the file is imported.</p>
    </div>
  );
}
