import { describe, expect, it } from 'vitest';
import { IPC } from '../../shared/contract';
import { createPreloadApi, type IpcRendererLike } from './preload-api';

type Listener = (event: 'ipc-event', ...args: unknown[]) => void;

class FakeIpcRenderer implements IpcRendererLike<'ipc-event'> {
  readonly invoked: unknown[][] = [];
  readonly listeners = new Map<string, Set<Listener>>();

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return Promise.resolve({ ok: true, value: [] });
  }

  on(channel: string, listener: Listener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }

  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  emitFromMain(...args: unknown[]): void {
    for (const listener of this.listeners.get(IPC.event) ?? []) listener('ipc-event', ...args);
  }
}

describe('createPreloadApi', () => {
  it('exposes exactly call and on', () => {
    expect(Object.keys(createPreloadApi(new FakeIpcRenderer())).sort()).toEqual(['call', 'on']);
  });

  it('sends a call on the one API channel and returns the answer', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createPreloadApi(ipc);
    await expect(api.call('sequences.list', {})).resolves.toEqual({ ok: true, value: [] });
    expect(ipc.invoked).toEqual([[IPC.call, 'sequences.list', {}]]);
  });

  it('delivers only the subscribed event, and stops after unsubscribe', () => {
    const ipc = new FakeIpcRenderer();
    const api = createPreloadApi(ipc);
    const received: unknown[] = [];
    const off = api.on('data.changed', (payload) => received.push(payload));

    ipc.emitFromMain('data.changed', { tables: ['sequences'] });
    ipc.emitFromMain('engine.status', { running: true });
    expect(received).toEqual([{ tables: ['sequences'] }]);

    off();
    ipc.emitFromMain('data.changed', { tables: ['messages'] });
    expect(received).toEqual([{ tables: ['sequences'] }]);
    expect(ipc.listeners.get(IPC.event)?.size).toBe(0);
  });
});
