import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendingSettings } from '../../../shared/domain';
import { createHarness, type Harness } from './test-harness';

const HOUR = 3_600_000;

describe('sending through the real app', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  const sequenceWith = async (channel: 'test' | 'sms' | null, name = 'Welcome') => {
    const sequence = await h.call('sequences.create', { name, channel });
    const message = await h.call('messages.create', {
      sequenceId: sequence.id,
      name: 'Hello',
      body: 'Hi {{first_name|there}}, welcome to the shop!',
      delayAmount: 0,
      delayUnit: 'minutes',
    });
    return { sequence, message };
  };

  it('test mode: a 0-minute first message shows up in the activity log with its text, and its sent count goes to 1', async () => {
    const { sequence, message } = await sequenceWith('test');
    const anna = await h.call('subscribers.add', { sequenceId: sequence.id, phone: '+4915100000001', name: 'Anna Schmidt' });
    await h.app.engine.waitForIdle();

    const activity = await h.call('deliveries.list', {});
    expect(activity).toEqual({
      total: 1,
      rows: [
        {
          id: expect.any(Number) as unknown,
          subscriptionId: anna.id,
          sequenceId: sequence.id,
          sequenceName: 'Welcome',
          messageId: message.id,
          messageName: 'Hello',
          contactName: 'Anna Schmidt',
          phone: '+4915100000001',
          channel: 'test',
          status: 'sent',
          attempts: 1,
          dueAt: h.clock.ms,
          sentAt: h.clock.ms,
          nextAttemptAt: null,
          renderedText: 'Hi Anna, welcome to the shop!',
          error: null,
          providerMessageId: expect.stringMatching(/^test-sa-/) as unknown,
          receipt: null,
          receiptAt: null,
          updatedAt: h.clock.ms,
        },
      ],
    });
    expect((await h.call('sequences.get', { id: sequence.id })).messages[0]?.sentCount).toBe(1);
    expect((await h.call('subscribers.get', { id: anna.id })).subscriber).toMatchObject({ status: 'completed', sentCount: 1 });
    expect(h.changes.some((tables) => tables.includes('deliveries'))).toBe(true);
  });

  it('filters the activity log by status, channel, sequence and name or phone, newest first, in pages', async () => {
    const welcome = await sequenceWith('test', 'Welcome');
    const offers = await sequenceWith('test', 'Offers');
    await h.call('subscribers.add', { sequenceId: welcome.sequence.id, phone: '+4915100000001', name: 'Anna' });
    await h.app.engine.waitForIdle();
    h.clock.advance(HOUR);
    await h.call('subscribers.add', { sequenceId: offers.sequence.id, phone: '+4915100000002', name: 'Bob' });
    await h.app.engine.waitForIdle();
    h.clock.advance(HOUR);
    await h.call('subscribers.add', { sequenceId: welcome.sequence.id, phone: '+4915100000003', name: 'Carla' });
    await h.app.engine.waitForIdle();

    const names = async (input: Parameters<typeof h.call<'deliveries.list'>>[1]) => {
      const page = await h.call('deliveries.list', input);
      return [page.total, page.rows.map((d) => d.contactName)];
    };
    expect(await names({})).toEqual([3, ['Carla', 'Bob', 'Anna']]);
    expect(await names({ sequenceId: welcome.sequence.id })).toEqual([2, ['Carla', 'Anna']]);
    expect(await names({ status: 'sent', channel: 'test' })).toEqual([3, ['Carla', 'Bob', 'Anna']]);
    expect(await names({ status: 'failed' })).toEqual([0, []]);
    expect(await names({ channel: 'sms' })).toEqual([0, []]);
    expect(await names({ search: 'bo' })).toEqual([1, ['Bob']]);
    expect(await names({ search: '0003' })).toEqual([1, ['Carla']]);
    expect(await names({ limit: 1, offset: 1 })).toEqual([3, ['Bob']]);
  });

  it('says what it is doing: waiting for a channel, paused by the owner, idle', async () => {
    const { sequence } = await sequenceWith(null, 'Car enquiry');
    await h.call('subscribers.add', { sequenceId: sequence.id, phone: '+4915100000001', name: 'Anna' });
    await h.app.engine.waitForIdle();
    expect(await h.call('engine.status', {})).toMatchObject({
      state: 'waiting-for-channel',
      detail: '1 message is waiting: choose a channel for “Car enquiry”.',
      dueNow: 1,
      pausedByOwner: false,
      channels: [
        { channel: 'test', state: 'ready', reason: null },
        { channel: 'sms', state: 'not-configured' },
        { channel: 'whatsapp', state: 'not-configured' },
      ],
    });
    expect(await h.call('engine.pauseAll', {})).toMatchObject({ state: 'paused', pausedByOwner: true });
    await h.call('sequences.update', { id: sequence.id, channel: 'test' });
    await h.app.engine.waitForIdle();
    expect(await h.call('deliveries.list', {})).toMatchObject({ total: 0 });
    const events: string[] = [];
    h.app.events.on('engine.status', (status) => events.push(status.state));
    expect(await h.call('engine.resumeAll', {})).toMatchObject({ pausedByOwner: false });
    await h.app.engine.waitForIdle();
    expect(await h.call('deliveries.list', {})).toMatchObject({ total: 1 });
    expect(await h.call('engine.status', {})).toMatchObject({ state: 'idle', sentToday: 1, dailyCap: 200 });
    expect(events.at(-1)).toBe('idle');
  });

  it('refuses to resolve a delivery whose outcome is known, or one that does not exist', async () => {
    const { sequence } = await sequenceWith('test');
    await h.call('subscribers.add', { sequenceId: sequence.id, phone: '+4915100000001', name: 'Anna' });
    await h.app.engine.waitForIdle();
    const [sent] = (await h.call('deliveries.list', {})).rows;
    await expect(h.call('deliveries.resolve', { id: sent?.id ?? 0, action: 'send-again' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(h.call('deliveries.resolve', { id: 999, action: 'mark-as-sent' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('sending settings', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  const sending: SendingSettings = {
    window: { quietHours: { start: '20:00', end: '08:00' }, allowedWeekdays: [1, 2, 3, 4, 5], closedDates: ['2026-12-25'] },
    pacing: { minGapSeconds: 5, maxGapSeconds: 10, dailyCap: null },
    catchUp: { kind: 'skip-if-late', hours: 12 },
    onPermanentFailure: 'stop-subscription',
  };

  it('stores the sending settings whole and announces them', async () => {
    expect((await h.call('settings.update', { sending })).sending).toEqual(sending);
    expect((await h.call('settings.get', {})).sending).toEqual(sending);
    expect(h.changes).toEqual([['settings']]);
  });

  it('refuses a window that leaves no day to send on, naming the field', async () => {
    const closedEveryMonday = Array.from({ length: 60 }, (_, week) => new Date(Date.UTC(2026, 10, 2 + 7 * week)).toISOString().slice(0, 10));
    await expect(
      h.call('settings.update', { sending: { ...sending, window: { quietHours: null, allowedWeekdays: [1], closedDates: closedEveryMonday } } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'sending.window.allowedWeekdays' });
    await expect(h.call('settings.update', { sending: { ...sending, pacing: { minGapSeconds: 30, maxGapSeconds: 10, dailyCap: null } } })).rejects.toThrow(
      /longest gap/,
    );
    expect(h.changes).toEqual([]);
  });

  it('previews a schedule inside the sending window', async () => {
    await h.call('settings.update', { sending });
    const sequence = await h.call('sequences.create', { name: 'Welcome' });
    await h.call('messages.create', { sequenceId: sequence.id, name: 'Late', body: '', delayAmount: 11, delayUnit: 'hours' });
    // Monday 10:00 Berlin + 11 hours = 21:00, inside the quiet hours: Tuesday 08:00.
    const preview = await h.call('sequences.previewSchedule', { id: sequence.id });
    expect(preview.items.map((item) => item.dueAt)).toEqual([Date.UTC(2026, 10, 3, 7, 0)]);
  });
});
