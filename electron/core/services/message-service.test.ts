import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

describe('messages', () => {
  let h: Harness;
  let seq: number;
  beforeEach(async () => {
    h = createHarness();
    seq = (await h.call('sequences.create', { name: 'Welcome' })).id;
    h.changes.length = 0;
  });
  afterEach(() => h.cleanup());

  const add = (name: string, extra: Record<string, unknown> = {}) =>
    h.call('messages.create', { sequenceId: seq, name, body: `Body ${name}`, delayAmount: 2, delayUnit: 'hours', ...extra });
  const order = async (sequenceId = seq) =>
    (await h.call('sequences.get', { id: sequenceId })).messages.map((m) => `${m.position}:${m.name}`);

  it('appends messages at the end, enabled by default, and announces messages and sequences', async () => {
    const first = await add('Welcome', { sendAt: '09:00' });
    const second = await add('Brochure', { enabled: false, delayAmount: 0, delayUnit: 'minutes' });
    expect(first).toMatchObject({ position: 1, enabled: true, sendAt: '09:00', media: null, sentCount: 0 });
    expect(second).toMatchObject({ position: 2, enabled: false, delayAmount: 0, sendAt: null });
    expect(await order()).toEqual(['1:Welcome', '2:Brochure']);
    expect(h.changes).toEqual([
      ['messages', 'sequences'],
      ['messages', 'sequences'],
    ]);
    const summary = (await h.call('sequences.list', {}))[0];
    expect(summary).toMatchObject({ messageCount: 2, enabledMessageCount: 1, updatedAt: h.clock.ms });
  });

  it('rejects an unknown sequence, an unknown media file and a delay over 365 days, writing nothing', async () => {
    await expect(h.call('messages.create', { sequenceId: 999, name: 'x', body: '', delayAmount: 1, delayUnit: 'days' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(add('x', { mediaId: 42 })).rejects.toMatchObject({ code: 'VALIDATION', field: 'mediaId' });
    await expect(add('x', { delayAmount: 366, delayUnit: 'days' })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'delayAmount',
      message: 'Delay can be at most 365 days',
    });
    await expect(add('x', { delayAmount: 365 * 24 + 1, delayUnit: 'hours' })).rejects.toMatchObject({ field: 'delayAmount' });
    await add('ok', { delayAmount: 365, delayUnit: 'days' });
    expect(await order()).toEqual(['1:ok']);
    expect(h.changes).toHaveLength(1);
  });

  it('updates only the fields given; null clears the exact time and the media', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).toString('base64');
    const media = await h.call('media.add', { fileName: 'a.jpg', dataBase64: jpeg });
    const m = await add('Welcome', { sendAt: '09:00', mediaId: media.id });
    h.clock.advance(1000);
    const renamed = await h.call('messages.update', { id: m.id, name: 'Hello' });
    expect(renamed).toMatchObject({ name: 'Hello', body: 'Body Welcome', sendAt: '09:00', media, updatedAt: h.clock.ms });
    const cleared = await h.call('messages.update', { id: m.id, sendAt: null, mediaId: null, delayAmount: 3, delayUnit: 'days' });
    expect(cleared).toMatchObject({ name: 'Hello', sendAt: null, media: null, delayAmount: 3, delayUnit: 'days' });
    // A change of unit alone is checked against the limit with the stored amount.
    await h.call('messages.update', { id: m.id, delayAmount: 400, delayUnit: 'hours' });
    await expect(h.call('messages.update', { id: m.id, delayUnit: 'days' })).rejects.toMatchObject({ field: 'delayAmount' });
    await expect(h.call('messages.update', { id: m.id, mediaId: 77 })).rejects.toMatchObject({ field: 'mediaId' });
    await expect(h.call('messages.update', { id: 999, name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('sequences.get', { id: seq })).messages[0]).toMatchObject({ delayAmount: 400, delayUnit: 'hours' });
  });

  it('keeps positions contiguous when deleting from the middle', async () => {
    await add('a');
    const b = await add('b');
    await add('c');
    await add('d');
    h.changes.length = 0;
    expect(await h.call('messages.delete', { id: b.id })).toEqual({ id: b.id });
    expect(await order()).toEqual(['1:a', '2:c', '3:d']);
    expect(h.changes).toEqual([['messages', 'sequences']]);
    await expect(h.call('messages.delete', { id: b.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await add('e');
    expect(await order()).toEqual(['1:a', '2:c', '3:d', '4:e']);
  });

  it('deletes the last remaining message, then appends from position 1 again', async () => {
    const only = await add('only');
    await h.call('messages.delete', { id: only.id });
    expect(await order()).toEqual([]);
    expect((await add('next')).position).toBe(1);
  });

  it('reorders and returns the messages in their new order', async () => {
    const [a, b, c] = [await add('a'), await add('b'), await add('c')];
    const result = await h.call('messages.reorder', { sequenceId: seq, orderedIds: [c.id, a.id, b.id] });
    expect(result.map((m) => `${m.position}:${m.name}`)).toEqual(['1:c', '2:a', '3:b']);
    expect(await order()).toEqual(['1:c', '2:a', '3:b']);
  });

  it('rejects an order that is not exactly the sequence’s messages, leaving the order unchanged', async () => {
    const [a, b, c] = [await add('a'), await add('b'), await add('c')];
    const other = (await h.call('sequences.create', { name: 'Other' })).id;
    const foreign = await h.call('messages.create', { sequenceId: other, name: 'x', body: '', delayAmount: 0, delayUnit: 'minutes' });
    h.changes.length = 0;
    for (const orderedIds of [
      [a.id, b.id],
      [a.id, b.id, c.id, c.id],
      [a.id, a.id, b.id],
      [a.id, b.id, foreign.id],
    ]) {
      await expect(h.call('messages.reorder', { sequenceId: seq, orderedIds }), String(orderedIds)).rejects.toMatchObject({
        code: 'VALIDATION',
        field: 'orderedIds',
      });
    }
    await expect(h.call('messages.reorder', { sequenceId: 999, orderedIds: [a.id] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await order()).toEqual(['1:a', '2:b', '3:c']);
    expect(h.changes).toEqual([]);
  });

  it('rolls a reorder back completely when the database fails half-way', async () => {
    const [a, b, c] = [await add('a'), await add('b'), await add('c')];
    // Make the write of the final position of `a` fail, after every position was already parked.
    h.sql(
      `CREATE TRIGGER fail_mid_reorder BEFORE UPDATE OF position ON messages
       WHEN NEW.id = ${a.id} AND NEW.position = 3 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`,
    );
    h.changes.length = 0;
    await expect(h.call('messages.reorder', { sequenceId: seq, orderedIds: [b.id, c.id, a.id] })).rejects.toThrow(/disk trouble/);
    expect(await order()).toEqual(['1:a', '2:b', '3:c']);
    expect(h.changes).toEqual([]);
  });

  it('turns a message off and on in place', async () => {
    await add('a');
    const b = await add('b');
    await add('c');
    const off = await h.call('messages.setEnabled', { id: b.id, enabled: false });
    expect(off).toMatchObject({ position: 2, enabled: false });
    expect((await h.call('sequences.list', {}))[0]).toMatchObject({ messageCount: 3, enabledMessageCount: 2 });
    expect((await h.call('messages.setEnabled', { id: b.id, enabled: true })).enabled).toBe(true);
    await expect(h.call('messages.setEnabled', { id: 999, enabled: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await order()).toEqual(['1:a', '2:b', '3:c']);
  });
});
