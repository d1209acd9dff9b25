import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce';

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('coalesce', () => {
  it('runs once more after the in-flight run, however many calls arrive meanwhile', async () => {
    const gates = [deferred(), deferred()];
    let runs = 0;
    const load = coalesce(async () => {
      const gate = gates[runs];
      runs += 1;
      await gate?.promise;
    });

    const first = load();
    const second = load();
    const third = load();
    expect(runs).toBe(1);
    expect(second).toBe(third);

    gates[0]?.resolve();
    await first;
    gates[1]?.resolve();
    await second;
    expect(runs).toBe(2);

    await load();
    expect(runs).toBe(3);
  });

  it('still runs the follow-up when the first run fails', async () => {
    let runs = 0;
    const load = coalesce(async () => {
      runs += 1;
      if (runs === 1) throw new Error('boom');
    });
    const first = load();
    const second = load();
    await expect(first).rejects.toThrow('boom');
    await second;
    expect(runs).toBe(2);
  });
});
