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
});
