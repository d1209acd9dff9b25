import type { ImportProgress } from '../../../shared/domain';

type Phase = ImportProgress['phase'];

/**
 * Progress as the import reports it: on every change of phase, and otherwise only once the work
 * moved on by about 1% or 100 ms passed — cheap enough to call after every chunk.
 */
export class ProgressReporter {
  private lastPhase: Phase | null = null;
  private lastProcessed = 0;
  private lastAt = 0;

  constructor(
    private readonly importId: string,
    private readonly emit: (progress: ImportProgress) => void,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  report(phase: Phase, processed: number, total: number): void {
    const now = this.nowMs();
    const changedPhase = phase !== this.lastPhase;
    const movedOn = processed - this.lastProcessed >= total / 100 || now - this.lastAt >= 100;
    if (!changedPhase && !movedOn) return;
    this.lastPhase = phase;
    this.lastProcessed = processed;
    this.lastAt = now;
    this.emit({ importId: this.importId, phase, processed: Math.max(0, Math.round(processed)), total: Math.max(0, Math.round(total)) });
  }
}
