import { describe, expect, it } from 'vitest';
import { installQuitSequence } from './quit-sequence';
import { Deferred, FakeApp, ManualQuitTimers, recordingLogger, settle } from './shell-test-support';

function setUp() {
  const app = new FakeApp(() => []);
  const timers = new ManualQuitTimers();
  const logger = recordingLogger();
  const steps: string[] = [];
  const settling = new Deferred();
  const closing = new Deferred();
  const core = {
    settleSends: () => {
      steps.push('settle');
      return settling.promise;
    },
    close: () => void steps.push('close'),
    closed: closing.promise,
  };
  const quit = installQuitSequence({
    app,
    core,
    logger,
    timers,
    onQuitting: () => steps.push('quitting'),
    onClosed: () => steps.push('closed'),
    limits: { settleMs: 100, closeMs: 50 },
  });
  return { app, timers, logger, steps, settling, closing, core, quit };
}

describe('installQuitSequence', () => {
  it('holds the quit until the sends settled and the core closed, in that order, once', async () => {
    const { app, steps, settling, closing, quit } = setUp();
    app.quit();
    app.quit();
    expect(quit.phase).toBe('quitting');
    expect(steps).toEqual(['quitting', 'settle']);
    expect(app.exited).toBe(false);
    settling.resolve();
    await settle();
    expect(steps).toEqual(['quitting', 'settle', 'close']);
    closing.resolve();
    await quit.finished;
    await settle();
    expect(steps).toEqual(['quitting', 'settle', 'close', 'closed']);
    expect(quit.phase).toBe('done');
    expect(app.exited).toBe(true);
  });

  it('still closes and quits when waiting for the sends fails or closing throws', async () => {
    const { app, steps, settling, closing, core, logger } = setUp();
    core.close = () => {
      steps.push('close');
      throw new Error('already closed');
    };
    app.quit();
    settling.reject(new Error('engine gone'));
    await settle();
    closing.resolve();
    await settle();
    expect(steps).toEqual(['quitting', 'settle', 'close', 'closed']);
    expect(app.exited).toBe(true);
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'Waiting for the send in flight failed',
      'Closing the core failed',
    ]);
  });

  it('cuts each wait at its time limit', async () => {
    const { app, timers, steps, quit } = setUp();
    app.quit();
    expect(timers.armed).toEqual([100]);
    timers.fire(100);
    await settle();
    expect(steps).toContain('close');
    expect(timers.armed).toEqual([50]);
    timers.fire(50);
    await quit.finished;
    await settle();
    expect(app.exited).toBe(true);
  });
});
