import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

const HOUR = 3_600_000;

describe('sequences.previewSchedule', () => {
  let h: Harness;
  let seq: number;
  beforeEach(async () => {
    h = createHarness({ machineTimeZone: 'Europe/Berlin' });
    seq = (await h.call('sequences.create', { name: 'Welcome' })).id;
  });
  afterEach(() => h.cleanup());

  const add = (name: string, extra: Record<string, unknown>) =>
    h.call('messages.create', { sequenceId: seq, name, body: '', delayAmount: 0, delayUnit: 'minutes', ...extra });

  it('chains the enabled messages in order from the subscription time, in the business time zone', async () => {
    // Monday 2 Nov 2026, 14:05 in Berlin (UTC+1).
    const subscribedAt = Date.UTC(2026, 10, 2, 13, 5);
    const welcome = await add('Welcome', {});
    const skipped = await add('Skipped', { delayAmount: 1, delayUnit: 'hours' });
    await h.call('messages.setEnabled', { id: skipped.id, enabled: false });
    const brochure = await add('Brochure', { delayAmount: 2, delayUnit: 'days', sendAt: '09:00' });
    const video = await add('Video', { delayAmount: 3, delayUnit: 'hours' });

    const preview = await h.call('sequences.previewSchedule', { id: seq, subscribedAt });
    expect(preview).toEqual({
      timeZone: 'Europe/Berlin',
      subscribedAt,
      items: [
        { messageId: welcome.id, name: 'Welcome', position: 1, dueAt: subscribedAt },
        // Two calendar days later (Wednesday) at 09:00 Berlin = 08:00 UTC.
        { messageId: brochure.id, name: 'Brochure', position: 3, dueAt: Date.UTC(2026, 10, 4, 8, 0) },
        { messageId: video.id, name: 'Video', position: 4, dueAt: Date.UTC(2026, 10, 4, 8, 0) + 3 * HOUR },
      ],
    });
  });

  it('reckons exact times in the zone from settings, and starts now by default', async () => {
    await h.call('settings.update', { timeZone: 'Asia/Tokyo' });
    await add('Morning', { sendAt: '09:00' });
    // The harness clock: 2 Nov 2026 09:00 UTC = 18:00 in Tokyo, so 09:00 Tokyo next day = 00:00 UTC on the 3rd.
    const preview = await h.call('sequences.previewSchedule', { id: seq });
    expect(preview.timeZone).toBe('Asia/Tokyo');
    expect(preview.subscribedAt).toBe(h.clock.ms);
    expect(preview.items.map((i) => i.dueAt)).toEqual([Date.UTC(2026, 10, 3, 0, 0)]);
  });

  it('is empty for a sequence without enabled messages, and NOT_FOUND for an unknown one', async () => {
    expect((await h.call('sequences.previewSchedule', { id: seq })).items).toEqual([]);
    await expect(h.call('sequences.previewSchedule', { id: seq + 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
