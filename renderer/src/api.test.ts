import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppApi } from '../../shared/contract';

type ApiModule = typeof import('./api');

interface FakeWindow {
  api?: AppApi;
  sessionStorage: { getItem: (key: string) => string | null };
}

/** A fresh copy of api.ts (it caches its transport) in a "browser" with the given token / preload. */
async function loadApi(options: { token?: string | null; api?: AppApi } = {}): Promise<ApiModule> {
  vi.resetModules();
  const storage = new Map<string, string>();
  if (options.token) storage.set('seqa.token', options.token);
  const fakeWindow: FakeWindow = { sessionStorage: { getItem: (key) => storage.get(key) ?? null } };
  if (options.api) fakeWindow.api = options.api;
  vi.stubGlobal('window', fakeWindow);
  return import('./api');
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('api client over HTTP', () => {
  const fetchMock = vi.fn<typeof fetch>();

  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('posts the input to /api/<method> with the bearer token and resolves with the value', async () => {
    const api = await loadApi({ token: 'secret' });
    fetchMock.mockResolvedValue(jsonResponse(200, { ok: true, value: { timeZone: 'Europe/Berlin' } }));

    await expect(api.call('settings.get', {})).resolves.toEqual({ timeZone: 'Europe/Berlin' });

    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/settings.get');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Authorization')).toBe('Bearer secret');
    expect(init?.body).toBe('{}');
  });

  it('turns an error envelope (also on 4xx) into ApiCallError with code, message and field', async () => {
    const api = await loadApi({ token: 't' });
    fetchMock.mockResolvedValue(
      jsonResponse(400, { ok: false, error: { code: 'VALIDATION', message: 'Name is required', field: 'name' } }),
    );

    const error = await api.call('sequences.create', { name: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(api.ApiCallError);
    expect(error).toMatchObject({ code: 'VALIDATION', message: 'Name is required', field: 'name' });
  });

  it('reports an unreachable server in words a shop owner understands', async () => {
    const api = await loadApi({ token: 't' });
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    vi.spyOn(console, 'warn').mockImplementation(() => {});

    const error = await api.call('sequences.list', {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect((error as Error).message).toMatch(/Cannot reach Sequence Automation/);
  });

  it('does not choke on an answer that is not JSON', async () => {
    const api = await loadApi({ token: 't' });
    fetchMock.mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 }));
    vi.spyOn(console, 'warn').mockImplementation(() => {});

    const error = await api.call('sequences.list', {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INTERNAL' });
    expect((error as Error).message).toMatch(/HTTP 502/);
  });

  it('tells listeners when the server refuses the token', async () => {
    const api = await loadApi({ token: 'old' });
    fetchMock.mockResolvedValue(jsonResponse(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Wrong token' } }));
    const rejected = vi.fn();
    api.onAuthRejected(rejected);

    await expect(api.call('sequences.list', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(rejected).toHaveBeenCalledTimes(1);
  });

  it('needs a token when there is neither preload nor token', async () => {
    const api = await loadApi({ token: null });
    expect(api.connectionMode()).toBe('needs-token');
  });
});

describe('api client in Electron', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uses window.api and never fetch', async () => {
    const fetchMock = vi.fn<typeof fetch>();
    vi.stubGlobal('fetch', fetchMock);
    const preload: AppApi = {
      call: vi.fn(async () => ({ ok: true as const, value: [] })) as AppApi['call'],
      on: vi.fn(() => () => {}) as AppApi['on'],
    };
    const api = await loadApi({ api: preload });

    expect(api.connectionMode()).toBe('electron');
    await expect(api.call('sequences.list', {})).resolves.toEqual([]);
    expect(preload.call).toHaveBeenCalledWith('sequences.list', {});
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('maps a failing IPC call to a readable error', async () => {
    const preload: AppApi = {
      call: vi.fn(async () => {
        throw new Error('IPC channel closed');
      }) as AppApi['call'],
      on: vi.fn(() => () => {}) as AppApi['on'],
    };
    const api = await loadApi({ api: preload });
    vi.spyOn(console, 'warn').mockImplementation(() => {});

    await expect(api.call('sequences.list', {})).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
