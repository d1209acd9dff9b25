import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiResult, AppApi, EventName, EventPayload, MethodName } from '../../../shared/contract';
import type { WhatsAppStatus } from '../../../shared/domain';

const notLinked: WhatsAppStatus = {
  state: 'disconnected',
  qr: null,
  account: null,
  reason: null,
  loggedOutByPhone: false,
  browser: { path: '/usr/bin/chromium', source: 'found' },
  hasSession: false,
  updatedAt: 1000,
};

type Answer = () => ApiResult<unknown>;
const ok = (value: unknown): Answer => () => ({ ok: true, value });

/** A preload-style `window.api` whose answers and pushes the test controls. */
function fakeApi(answers: Partial<Record<MethodName, Answer>>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: MethodName[] = [];
  const api: AppApi = {
    call: async (method) => {
      calls.push(method);
      const answer = answers[method];
      return (answer ? answer() : { ok: false, error: { code: 'INTERNAL', message: `${method} is not built yet.` } }) as never;
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
  return { api, calls, answers, push, listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0) };
}

async function loadStore(api: AppApi) {
  vi.resetModules();
  vi.stubGlobal('window', { api, setTimeout, clearTimeout });
  return import('./whatsapp');
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the WhatsApp store', () => {
  it('loads the state, then follows each pushed QR code to ready', async () => {
    const fake = fakeApi({ 'whatsapp.status': ok(notLinked) });
    const { startWhatsAppSync, useWhatsApp } = await loadStore(fake.api);
    const stop = startWhatsAppSync();
    await settle();
    expect(useWhatsApp.getState()).toMatchObject({ status: 'ready', whatsapp: { state: 'disconnected' } });

    fake.push('whatsapp.status', { ...notLinked, state: 'qr', qr: '2@first', updatedAt: 2000 });
    expect(useWhatsApp.getState().whatsapp?.qr).toBe('2@first');
    fake.push('whatsapp.status', { ...notLinked, state: 'qr', qr: '2@second', updatedAt: 3000 });
    expect(useWhatsApp.getState().whatsapp?.qr).toBe('2@second');
    fake.push('whatsapp.status', { ...notLinked, state: 'ready', account: { phone: '+4915100000000', name: 'Shop' }, updatedAt: 4000 });
    expect(useWhatsApp.getState().whatsapp).toMatchObject({ state: 'ready', account: { name: 'Shop' } });

    stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('keeps the newest state when an older answer arrives after a push', async () => {
    const fake = fakeApi({ 'whatsapp.link': ok({ ...notLinked, state: 'starting', updatedAt: 2000 }) });
    const { useWhatsApp } = await loadStore(fake.api);
    useWhatsApp.getState().receive({ ...notLinked, state: 'qr', qr: '2@code', updatedAt: 2500 });
    await useWhatsApp.getState().link();
    expect(useWhatsApp.getState().whatsapp).toMatchObject({ state: 'qr', qr: '2@code' });
  });

  it('shows why the status could not be loaded, and loads again on retry', async () => {
    const fake = fakeApi({});
    const { useWhatsApp } = await loadStore(fake.api);
    await useWhatsApp.getState().load();
    expect(useWhatsApp.getState()).toMatchObject({ status: 'error', error: 'whatsapp.status is not built yet.' });
    fake.answers['whatsapp.status'] = ok(notLinked);
    await useWhatsApp.getState().load();
    expect(useWhatsApp.getState()).toMatchObject({ status: 'ready', error: null });
  });

  it('asks again when the settings change (a new browser path)', async () => {
    const fake = fakeApi({ 'whatsapp.status': ok(notLinked) });
    const { startWhatsAppSync } = await loadStore(fake.api);
    const stop = startWhatsAppSync();
    await settle();
    fake.push('data.changed', { tables: ['contacts'] });
    fake.push('data.changed', { tables: ['settings'] });
    await settle();
    expect(fake.calls.filter((method) => method === 'whatsapp.status')).toHaveLength(2);
    stop();
  });
});
