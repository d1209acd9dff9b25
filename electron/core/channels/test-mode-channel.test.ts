import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { TestModeChannel, type TestModeRecord } from './test-mode-channel';

const clock = { now: () => Date.UTC(2025, 5, 2, 10, 0) };

describe('TestModeChannel', () => {
  it('records what would be sent, with the rendered text, and succeeds with a synthetic id', async () => {
    const records: TestModeRecord[] = [];
    const channel = new TestModeChannel({ record: (r) => records.push(r), clock, logger: silentLogger });
    const result = await channel.send({
      deliveryKey: 'd-5-2',
      to: '+4915123456789',
      whatsappId: null,
      text: 'Hi Anna, the video reviews are here.',
      media: { filePath: '/data/media/x.mp4', mimeType: 'video/mp4', fileName: 'reviews.mp4' },
    });
    expect(result).toEqual({ ok: true, providerMessageId: 'test-d-5-2' });
    expect(records).toEqual([
      {
        deliveryKey: 'd-5-2',
        to: '+4915123456789',
        text: 'Hi Anna, the video reviews are here.',
        media: { fileName: 'reviews.mp4', mimeType: 'video/mp4' },
        providerMessageId: 'test-d-5-2',
        at: clock.now(),
      },
    ]);
    expect(channel.status()).toEqual({ state: 'ready', reason: null });
    expect(channel.idempotentSend).toBe(true);
  });

  it('reports a recorder failure as transient instead of pretending it was recorded', async () => {
    const channel = new TestModeChannel({
      record: () => {
        throw new Error('disk full');
      },
      clock,
      logger: silentLogger,
    });
    expect(await channel.send({ deliveryKey: 'k', to: '+4915123456789',
      whatsappId: null, text: 'x', media: null })).toEqual({
      ok: false,
      error: { kind: 'transient', reason: 'Test mode could not record the message; it will be retried.', detail: 'Error: disk full' },
    });
  });

  it('records nothing when the send was already aborted', async () => {
    const records: TestModeRecord[] = [];
    const channel = new TestModeChannel({ record: (r) => records.push(r), clock, logger: silentLogger });
    const result = await channel.send({ deliveryKey: 'k', to: '+4915123456789',
      whatsappId: null, text: 'x', media: null }, AbortSignal.abort());
    expect(result.ok).toBe(false);
    expect(records).toEqual([]);
  });
});
