import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { copyName } from './sequence-service';
import { createHarness, type Harness } from './test-harness';

describe('sequences', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  const addMessage = (sequenceId: number, name: string, extra: Record<string, unknown> = {}) =>
    h.call('messages.create', { sequenceId, name, body: `Hi {{name}}, ${name}`, delayAmount: 1, delayUnit: 'days', ...extra });

  it('creates a sequence with a trimmed name, active, and announces it', async () => {
    const created = await h.call('sequences.create', { name: '  Welcome  ', description: ' New customers ' });
    expect(created).toMatchObject({
      name: 'Welcome',
      description: 'New customers',
      active: true,
      messageCount: 0,
      subscriberCount: 0,
      sentCount: 0,
      createdAt: h.clock.ms,
    });
    expect(await h.call('sequences.list', {})).toEqual([created]);
    expect(h.changes).toEqual([['sequences']]);
  });

  it('refuses a name already taken, whatever its case, and writes nothing', async () => {
    await h.call('sequences.create', { name: 'Welcome' });
    h.changes.length = 0;
    const error = await h.call('sequences.create', { name: 'WELCOME' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONFLICT', field: 'name', message: expect.stringContaining('“WELCOME” already exists') });
    expect(await h.call('sequences.list', {})).toHaveLength(1);
    expect(h.changes).toEqual([]);
  });

  it('renames, describes and pauses, allowing a change of case of its own name', async () => {
    const s = await h.call('sequences.create', { name: 'Welcome' });
    await h.call('sequences.create', { name: 'Offers' });
    h.clock.advance(60_000);
    const renamed = await h.call('sequences.update', { id: s.id, name: 'WELCOME' });
    expect(renamed).toMatchObject({ name: 'WELCOME', active: true, updatedAt: h.clock.ms, createdAt: s.createdAt });
    const paused = await h.call('sequences.update', { id: s.id, active: false, description: 'Paused for now' });
    expect(paused).toMatchObject({ name: 'WELCOME', active: false, description: 'Paused for now' });
    await expect(h.call('sequences.update', { id: s.id, name: 'offers' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(h.call('sequences.update', { id: 999, name: 'X' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('sequences.get', { id: s.id })).sequence.name).toBe('WELCOME');
  });

  it('gets a sequence with its messages in order, and NOT_FOUND for an unknown id', async () => {
    const s = await h.call('sequences.create', { name: 'Welcome' });
    await addMessage(s.id, 'first');
    await addMessage(s.id, 'second');
    const detail = await h.call('sequences.get', { id: s.id });
    expect(detail.sequence).toMatchObject({ id: s.id, messageCount: 2, enabledMessageCount: 2 });
    expect(detail.messages.map((m) => [m.position, m.name])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    await expect(h.call('sequences.get', { id: s.id + 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('duplicates with every message (order, delays, exact times, enabled flags, media) and sent counts reset', async () => {
    const s = await h.call('sequences.create', { name: 'Welcome', description: 'd' });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    const media = await h.call('media.add', { fileName: 'logo.png', dataBase64: png });
    const first = await addMessage(s.id, 'a', { mediaId: media.id, sendAt: '09:00' });
    const second = await addMessage(s.id, 'b', { delayAmount: 3, delayUnit: 'hours' });
    await h.call('messages.setEnabled', { id: second.id, enabled: false });
    await addMessage(s.id, 'c');
    await h.call('messages.reorder', { sequenceId: s.id, orderedIds: [second.id, first.id, first.id + 2] });
    // Sent counts come from deliveries in a later issue; set one directly to see it reset.
    h.sql('UPDATE messages SET sent_count = 4 WHERE id = ?', first.id);
    h.changes.length = 0;

    const copy = await h.call('sequences.duplicate', { id: s.id });
    expect(copy).toMatchObject({ name: 'Welcome (copy)', description: 'd', active: true, messageCount: 3, sentCount: 0, subscriberCount: 0 });
    expect(h.changes).toEqual([['messages', 'sequences']]);

    const strip = (m: { name: string; position: number; delayAmount: number; delayUnit: string; sendAt: string | null; enabled: boolean; media: unknown }) => ({
      name: m.name,
      position: m.position,
      delayAmount: m.delayAmount,
      delayUnit: m.delayUnit,
      sendAt: m.sendAt,
      enabled: m.enabled,
      media: m.media,
    });
    const original = await h.call('sequences.get', { id: s.id });
    const copied = await h.call('sequences.get', { id: copy.id });
    expect(copied.messages.map(strip)).toEqual(original.messages.map(strip));
    expect(copied.messages.map((m) => m.name)).toEqual(['b', 'a', 'c']);
    expect(copied.messages.every((m) => m.sentCount === 0)).toBe(true);
    expect(original.sequence.sentCount).toBe(4);
    expect(new Set([...original.messages, ...copied.messages].map((m) => m.id)).size).toBe(6);
  });

  it('names copies "(copy)", "(copy 2)", "(copy 3)"… skipping names already taken', async () => {
    const s = await h.call('sequences.create', { name: 'Welcome' });
    await h.call('sequences.create', { name: 'welcome (COPY 2)' });
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push((await h.call('sequences.duplicate', { id: s.id })).name);
    expect(names).toEqual(['Welcome (copy)', 'Welcome (copy 3)', 'Welcome (copy 4)']);
  });

  it('keeps copy names within 100 characters by shortening the base name', async () => {
    const long = `${'x'.repeat(98)}yz`;
    const s = await h.call('sequences.create', { name: long });
    const first = await h.call('sequences.duplicate', { id: s.id });
    const second = await h.call('sequences.duplicate', { id: s.id });
    expect(first.name).toBe(`${'x'.repeat(93)} (copy)`);
    expect(second.name).toBe(`${'x'.repeat(91)} (copy 2)`);
    expect(first.name).toHaveLength(100);
    expect(second.name).toHaveLength(100);
  });

  it('never splits an emoji or leaves a trailing space when shortening', () => {
    expect(copyName(`${'a'.repeat(92)}😀😀`, 1)).toBe(`${'a'.repeat(92)} (copy)`);
    expect(copyName(`${'a'.repeat(92)} b`, 1)).toBe(`${'a'.repeat(92)} (copy)`);
    expect(copyName('Short', 12)).toBe('Short (copy 12)');
  });

  it('deletes a sequence with its messages, leaving others alone', async () => {
    const a = await h.call('sequences.create', { name: 'A' });
    const b = await h.call('sequences.create', { name: 'B' });
    await addMessage(a.id, 'one');
    await addMessage(b.id, 'two');
    h.changes.length = 0;
    expect(await h.call('sequences.delete', { id: a.id })).toEqual({ id: a.id });
    expect(h.changes).toEqual([['deliveries', 'messages', 'sequences', 'subscriptions']]);
    expect((await h.call('sequences.list', {})).map((s) => s.name)).toEqual(['B']);
    await expect(h.call('sequences.get', { id: a.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.call('sequences.delete', { id: a.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('sequences.get', { id: b.id })).messages).toHaveLength(1);
    // The name is free again.
    await h.call('sequences.create', { name: 'a' });
  });
});
