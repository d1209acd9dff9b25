import { describe, expect, it } from 'vitest';
import { IPC, type EventName } from '../../../shared/contract';
import { EventBus } from '../events';
import type { Dispatch } from './dispatch';
import { bindIpc, type IpcMainLike } from './ipc';

interface FakeEvent {
  senderUrl: string;
}

type Listener = (event: FakeEvent, ...args: unknown[]) => unknown;

/** Stands in for Electron's ipcMain: remembers handlers and lets the test invoke them. */
class FakeIpcMain implements IpcMainLike<FakeEvent> {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  invoke(senderUrl: string, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(IPC.call);
    if (!listener) throw new Error(`No handler registered for '${IPC.call}'`);
    return Promise.resolve(listener({ senderUrl }, ...args));
  }
}

const OUR_PAGE = 'file:///app/dist/renderer/index.html';

function setUp() {
  const ipcMain = new FakeIpcMain();
  const events = new EventBus();
  const dispatched: { method: string; input: unknown }[] = [];
  const dispatch: Dispatch = async (method, input) => {
    dispatched.push({ method, input });
    return { status: 200, result: { ok: true, value: { echoed: method } } };
  };
  const sent: { event: EventName; payload: unknown }[] = [];
  const unbind = bindIpc({
    ipcMain,
    isTrustedSender: (event) => event.senderUrl === OUR_PAGE,
    dispatch,
    events,
    send: (event, payload) => sent.push({ event, payload }),
  });
  return { ipcMain, events, dispatched, sent, unbind };
}

describe('bindIpc', () => {
  it('refuses a call from a frame that is not our window before looking at its arguments', async () => {
    const { ipcMain, dispatched } = setUp();
    const answer = await ipcMain.invoke('https://evil.example/', 'sequences.delete', { id: 1 });
    expect(answer).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    expect(dispatched).toEqual([]);
  });

  it('hands a call from our window to the dispatcher and returns its envelope', async () => {
    const { ipcMain, dispatched } = setUp();
    const answer = await ipcMain.invoke(OUR_PAGE, 'sequences.list', {});
    expect(answer).toEqual({ ok: true, value: { echoed: 'sequences.list' } });
    expect(dispatched).toEqual([{ method: 'sequences.list', input: {} }]);
  });

  it('refuses a call without a string method name or with extra arguments', async () => {
    const { ipcMain, dispatched } = setUp();
    expect(await ipcMain.invoke(OUR_PAGE, 42, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await ipcMain.invoke(OUR_PAGE)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await ipcMain.invoke(OUR_PAGE, 'sequences.list', {}, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(dispatched).toEqual([]);
  });

  it('forwards bus events to the window', () => {
    const { events, sent } = setUp();
    events.dataChanged('sequences', 'messages');
    expect(sent).toEqual([{ event: 'data.changed', payload: { tables: ['sequences', 'messages'] } }]);
  });

  it('unbind removes the handler and stops forwarding events', () => {
    const { ipcMain, events, sent, unbind } = setUp();
    unbind();
    expect(ipcMain.handlers.has(IPC.call)).toBe(false);
    events.dataChanged('sequences');
    expect(sent).toEqual([]);
    // Binding again (e.g. after a window is recreated) works once the old binding is gone.
    expect(() =>
      bindIpc({
        ipcMain,
        isTrustedSender: () => true,
        dispatch: async () => ({ status: 200, result: { ok: true, value: null } }),
        events,
        send: () => undefined,
      }),
    ).not.toThrow();
  });
});
