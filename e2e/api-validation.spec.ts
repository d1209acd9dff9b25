import { test, expect } from './fixtures';

interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; field?: string };
}

test.describe('the HTTP API refuses bad input with a clear error and leaves the data unchanged', () => {
  test('bad inputs answer 4xx envelopes and nothing is written', async ({ app }) => {
    const created = await app.api('sequences.create', { name: 'Kept' });
    expect(created.status).toBe(200);
    const before = await app.api('sequences.list', {});

    const cases: Array<{ method: string; input: unknown; status: number; code: string }> = [
      { method: 'sequences.create', input: {}, status: 400, code: 'VALIDATION' },
      { method: 'sequences.create', input: { name: 42 }, status: 400, code: 'VALIDATION' },
      { method: 'sequences.create', input: { name: '   ' }, status: 400, code: 'VALIDATION' },
      { method: 'sequences.create', input: { name: 'x'.repeat(10 * 1024 * 1024) }, status: 400, code: 'VALIDATION' },
      { method: 'sequences.create', input: { name: 'Kept' }, status: 409, code: 'CONFLICT' },
      { method: 'sequences.update', input: { id: 999999, name: 'Ghost' }, status: 404, code: 'NOT_FOUND' },
      { method: 'sequences.delete', input: { id: 'one' }, status: 400, code: 'VALIDATION' },
      { method: 'messages.create', input: { sequenceId: 999999, name: 'Hi', body: 'x', delayAmount: 0, delayUnit: 'minutes' }, status: 404, code: 'NOT_FOUND' },
      { method: 'messages.create', input: { sequenceId: 1, name: 'Hi', body: 'x', delayAmount: -1, delayUnit: 'weeks' }, status: 400, code: 'VALIDATION' },
      { method: 'messages.create', input: { sequenceId: 1, name: 'Hi', body: 'x'.repeat(4097), delayAmount: 0, delayUnit: 'minutes' }, status: 400, code: 'VALIDATION' },
      { method: 'messages.create', input: { sequenceId: 1, name: 'Hi', body: 'x', delayAmount: 1, delayUnit: 'days', sendAt: '25:00' }, status: 400, code: 'VALIDATION' },
      { method: 'messages.reorder', input: { sequenceId: 1, orderedIds: [424242] }, status: 400, code: 'VALIDATION' },
      { method: 'media.add', input: { fileName: 'big.png', dataBase64: Buffer.alloc(17 * 1024 * 1024, 1).toString('base64') }, status: 413, code: 'TOO_LARGE' },
      { method: 'media.add', input: { fileName: 'notes.exe', dataBase64: Buffer.from('MZ\x90\x00 not a document').toString('base64') }, status: 400, code: 'VALIDATION' },
      { method: 'no.such.method', input: {}, status: 404, code: 'NOT_FOUND' },
    ];
    for (const { method, input, status, code } of cases) {
      const answer = await app.api(method, input);
      const body = answer.body as Envelope;
      expect.soft(answer.status, `${method} ${JSON.stringify(input).slice(0, 80)}`).toBe(status);
      expect.soft(body.ok).toBe(false);
      expect.soft(body.error?.code, method).toBe(code);
      expect.soft(body.error?.message.length ?? 0).toBeGreaterThan(5);
    }

    // Transport-level abuse: no token, broken JSON, a body over the limit.
    const noToken = await fetch(`${app.baseUrl}/api/sequences.list`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(noToken.status).toBe(401);
    const brokenJson = await fetch(`${app.baseUrl}/api/sequences.create`, {
      method: 'POST',
      body: '{"name": ',
      headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    });
    expect(brokenJson.status).toBe(400);

    const after = await app.api('sequences.list', {});
    expect(after.body).toEqual(before.body);
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  test('contacts, subscribers, imports and sending settings refuse bad input the same way', async ({ app }) => {
    const sequence = (await app.api('sequences.create', { name: 'Offers' })).body as { value: { id: number } };
    const sequenceId = sequence.value.id;
    await app.api('settings.update', { defaultCountry: 'DE' });
    const before = {
      contacts: (await app.api('contacts.list', {})).body,
      subscribers: (await app.api('subscribers.list', { sequenceId })).body,
      settings: (await app.api('settings.get', {})).body,
    };

    const mapping = { phone: 'phone', name: 'name' };
    const cases: Array<{ method: string; input: unknown; status: number; code: string; field?: string }> = [
      { method: 'subscribers.add', input: { sequenceId, phone: '12' }, status: 400, code: 'VALIDATION', field: 'phone' },
      { method: 'subscribers.add', input: { sequenceId, phone: 'call me maybe' }, status: 400, code: 'VALIDATION', field: 'phone' },
      { method: 'subscribers.add', input: { sequenceId: 999999, phone: '+4915112345678' }, status: 404, code: 'NOT_FOUND' },
      { method: 'subscribers.add', input: { sequenceId, phone: '+4915112345678', attributes: { 'bad key!': 'x' } }, status: 400, code: 'VALIDATION' },
      { method: 'subscribers.list', input: { sequenceId, limit: 100000 }, status: 400, code: 'VALIDATION' },
      { method: 'subscribers.pause', input: { id: 424242 }, status: 404, code: 'NOT_FOUND' },
      { method: 'contacts.upsert', input: { phone: '' }, status: 400, code: 'VALIDATION' },
      { method: 'contacts.delete', input: { id: 424242 }, status: 404, code: 'NOT_FOUND' },
      { method: 'contacts.import', input: { importId: 'import-empty-1', csvText: '', mapping }, status: 400, code: 'VALIDATION' },
      { method: 'contacts.import', input: { importId: 'import-header-1', csvText: 'phone,name\n', mapping }, status: 400, code: 'VALIDATION' },
      { method: 'contacts.import', input: { importId: 'import-nocol-1', csvText: 'mobile,name\n+4915112345678,Anna\n', mapping }, status: 400, code: 'VALIDATION' },
      { method: 'contacts.import', input: { importId: 'import-seq-1', csvText: 'phone,name\n+4915112345678,Anna\n', mapping, sequenceId: 999999 }, status: 404, code: 'NOT_FOUND' },
      { method: 'contacts.import', input: { importId: 'import-enc-1', csvText: 'phone,name\n+4915112345678,M\uFFFDller\n', mapping }, status: 400, code: 'VALIDATION' },
      { method: 'settings.update', input: { defaultCountry: 'Germany' }, status: 400, code: 'VALIDATION' },
      { method: 'settings.update', input: { timeZone: 'Mars/Olympus' }, status: 400, code: 'VALIDATION' },
      {
        method: 'settings.update',
        input: { sending: { window: { quietHours: null, allowedWeekdays: [], closedDates: [] }, pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: null }, catchUp: { kind: 'send-late' }, onPermanentFailure: 'move-on' } },
        status: 400,
        code: 'VALIDATION',
      },
      {
        method: 'settings.update',
        input: { sending: { window: { quietHours: null, allowedWeekdays: [1], closedDates: [] }, pacing: { minGapSeconds: 60, maxGapSeconds: 10, dailyCap: null }, catchUp: { kind: 'send-late' }, onPermanentFailure: 'move-on' } },
        status: 400,
        code: 'VALIDATION',
      },
      { method: 'channels.configureSmsProvider', input: { config: { provider: 'smsgate', baseUrl: 'not a url', username: 'u', password: 'p' } }, status: 400, code: 'VALIDATION' },
      { method: 'deliveries.resolve', input: { id: 424242, action: 'mark-as-sent' }, status: 404, code: 'NOT_FOUND' },
    ];
    for (const { method, input, status, code, field } of cases) {
      const answer = await app.api(method, input);
      const body = answer.body as Envelope;
      const label = `${method} ${JSON.stringify(input).slice(0, 100)}`;
      expect.soft(answer.status, label).toBe(status);
      expect.soft(body.error?.code, label).toBe(code);
      if (field) expect.soft(body.error?.field, label).toBe(field);
    }

    // A 50 MB CSV never reaches the import: the transport refuses the body with 413.
    const huge = await fetch(`${app.baseUrl}/api/contacts.import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ importId: 'import-huge-1', csvText: 'phone\n'.padEnd(50 * 1024 * 1024, '1'), mapping }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as Envelope).error?.code).toBe('TOO_LARGE');

    expect((await app.api('contacts.list', {})).body).toEqual(before.contacts);
    expect((await app.api('subscribers.list', { sequenceId })).body).toEqual(before.subscribers);
    expect((await app.api('settings.get', {})).body).toEqual(before.settings);
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
  });
});
