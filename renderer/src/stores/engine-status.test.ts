import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppApi, EventName, EventPayload, MethodName } from '../../../shared/contract';
import type { EngineStatus } from '../../../shared/domain';

const idle: EngineStatus = {
  state: 'idle',
  detail: 'Nothing is due.',
  pausedByOwner: false,
  nextSendAt: null,
  dueNow: 0,
  sentToday: 0,
  dailyCap: 200,
  unknownDeliveries: 0,
  channels: [
    { channel: 'test', state: 'ready', reason: null },
    { channel: 'sms', state: 'not-configured', reason: null },
  ],
};

/** A preload-style `window.api` whose answers and pushes the test controls. */
function fakeApi(answers: Partial<Record<MethodName, () => unknown>>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: MethodName[] = [];
  const api: AppApi = {
    call: async (method) => {
      calls.push(method);
      const answer = answers[method];
      if (!answer) return { ok: false, error: { code: 'INTERNAL', message: `no answer for ${method}` } };
      return { ok: true, value: answer() } as never;
    },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const push = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { api, calls, push, listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0) };
}

async function loadStore(api: AppApi) {
  vi.resetModules();
  vi.stubGlobal('window', { api, setTimeout, clearTimeout });
  return import('./engine-status');
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the engine status store', () => {
  it('loads the state, then follows pushed engine and channel states', async () => {
    const fake = fakeApi({ 'engine.status': () => idle, 'channels.list': () => idle.channels });
    const { startEngineSync, useEngine } = await loadStore(fake.api);
    const stop = startEngineSync();
    await settle();
    expect(useEngine.getState()).toMatchObject({ status: 'ready', engine: { state: 'idle' } });
    expect(useEngine.getState().channels.sms?.state).toBe('not-configured');

    fake.push('engine.status', { ...idle, state: 'running', sentToday: 3 });
    expect(useEngine.getState().engine).toMatchObject({ state: 'running', sentToday: 3 });
    fake.push('channel.status', { channel: 'sms', state: 'down', reason: 'Gateway not reachable' });
    expect(useEngine.getState().channels.sms).toEqual({ channel: 'sms', state: 'down', reason: 'Gateway not reachable' });

    stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('asks again, at most once a second, when deliveries or settings change', async () => {
    vi.useFakeTimers();
    const fake = fakeApi({ 'engine.status': () => idle, 'channels.list': () => [] });
    const { startEngineSync } = await loadStore(fake.api);
    const stop = startEngineSync();
    await vi.advanceTimersByTimeAsync(0);
    const asked = () => fake.calls.filter((method) => method === 'engine.status').length;
    expect(asked()).toBe(1);
    for (let i = 0; i < 20; i++) fake.push('data.changed', { tables: ['deliveries'] });
    fake.push('data.changed', { tables: ['contacts'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked()).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked()).toBe(3);
    await vi.advanceTimersByTimeAsync(5000);
    expect(asked()).toBe(3);
    stop();
  });

  it('shows what Pause all answered', async () => {
    const fake = fakeApi({ 'engine.pauseAll': () => ({ ...idle, state: 'paused', pausedByOwner: true }) });
    const { useEngine } = await loadStore(fake.api);
    await useEngine.getState().pauseAll();
    expect(useEngine.getState().engine).toMatchObject({ state: 'paused', pausedByOwner: true });
  });
});
