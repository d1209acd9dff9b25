/**
 * TEST AND BENCHMARK SUPPORT — a clock and timers that move only when told to, for driving the
 * engine through days of simulated time in milliseconds of real time. Never used by the app.
 *
 *   const clock = new ManualClock(start);
 *   const timers = new ManualTimers(clock);
 *   … openCoreApp({ clock, timers }) …
 *   await timers.runUntil(() => engine.waitForIdle(), end);   // fires every timer up to `end`
 *
 * `runUntil` alternates "let the engine finish what it is doing (real I/O included)" with "jump
 * the clock to the next timer and fire it", so a wait of six hours costs nothing.
 */
import type { Clock } from '../clock';
import type { TimerHandle, Timers } from './timers';

export class ManualClock implements Clock {
  constructor(private ms: number) {}

  now(): number {
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

interface PendingTimer {
  id: number;
  at: number;
  callback: () => void;
}

export class ManualTimers implements Timers {
  private readonly pending = new Map<number, PendingTimer>();
  private nextId = 1;

  /** `moveTo` sets the clock (default: a ManualClock's `set`). */
  constructor(
    private readonly clock: Clock,
    private readonly moveTo: (ms: number) => void = (ms) => {
      if (clock instanceof ManualClock) clock.set(ms);
      else throw new Error('ManualTimers needs a way to move the clock: pass moveTo.');
    },
  ) {}

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { id, at: this.clock.now() + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  /** When the next timer is due, if any. */
  nextAt(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.pending.values()) if (earliest === undefined || timer.at < earliest) earliest = timer.at;
    return earliest;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Fires every timer due at or before now, earliest first. */
  fireDue(): number {
    let fired = 0;
    for (;;) {
      const due = [...this.pending.values()].filter((t) => t.at <= this.clock.now()).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) return fired;
      this.pending.delete(due.id);
      due.callback();
      fired++;
    }
  }

  /**
   * Alternates `settle()` (wait until the engine is idle) with moving the clock to the next timer
   * and firing it, until no timer is due by `until` or `done()` says so. Leaves the clock at
   * `until` (or where `done` became true). Returns the number of timers fired.
   */
  async runUntil(settle: () => Promise<void>, until: number, done: () => boolean = () => false): Promise<number> {
    let fired = 0;
    for (;;) {
      await settle();
      if (done()) return fired;
      const next = this.nextAt();
      if (next === undefined || next > until) {
        if (this.clock.now() < until) this.moveTo(until);
        await settle();
        return fired;
      }
      if (next > this.clock.now()) this.moveTo(next);
      fired += this.fireDue();
    }
  }
}
