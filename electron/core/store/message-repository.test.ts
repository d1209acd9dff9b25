import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageFields } from './message-repository';
import { openTempStore, type TempStore } from './test-store';

const fields = (name: string, overrides: Partial<MessageFields> = {}): MessageFields => ({
  name,
  body: `Body of ${name}`,
  mediaId: null,
  delayAmount: 2,
  delayUnit: 'hours',
  sendAt: null,
  ...overrides,
});

describe('MessageRepository', () => {
  let t: TempStore;
  let seq: number;
  beforeEach(() => {
    t = openTempStore();
    seq = t.store.sequences.insert({ name: 'S', description: '', active: true }, 1);
  });
  afterEach(() => t.cleanup());

  const names = (sequenceId = seq): string[] => t.store.messages.listBySequence(sequenceId).map((m) => m.name);
  const positions = (sequenceId = seq): number[] =>
    t.store.messages.listBySequence(sequenceId).map((m) => m.position);

  it('appends at the end and reads messages back in order with their media', () => {
    const { messages, media } = t.store;
    const photo = media.insert({
      sha256: 'c'.repeat(64),
      fileName: 'photo.jpg',
      mimeType: 'image/jpeg',
      kind: 'image',
      extension: 'jpg',
      sizeBytes: 3,
      createdAt: 7,
    }).media;
    const a = messages.append(seq, fields('a', { mediaId: photo.id, sendAt: '09:30', delayUnit: 'days' }), true, 10);
    messages.append(seq, fields('b'), false, 11);
    expect(names()).toEqual(['a', 'b']);
    expect(positions()).toEqual([1, 2]);
    expect(messages.findById(a)).toEqual({
      id: a,
      sequenceId: seq,
      position: 1,
      name: 'a',
      body: 'Body of a',
      media: photo,
      delayAmount: 2,
      delayUnit: 'days',
      sendAt: '09:30',
      enabled: true,
      sentCount: 0,
      createdAt: 10,
      updatedAt: 10,
    });
    expect(messages.listBySequence(seq)[1]).toMatchObject({ enabled: false, media: null });
  });

  it('renumbers to any order, including a full reversal', () => {
    const { messages } = t.store;
    const ids = ['a', 'b', 'c', 'd'].map((n) => messages.append(seq, fields(n), true, 1));
    messages.renumber(seq, [...ids].reverse());
    expect(names()).toEqual(['d', 'c', 'b', 'a']);
    expect(positions()).toEqual([1, 2, 3, 4]);
    expect(messages.idsBySequence(seq)).toEqual([...ids].reverse());
  });

  it('refuses to place a message of another sequence', () => {
    const { messages, sequences } = t.store;
    const other = sequences.insert({ name: 'Other', description: '', active: true }, 1);
    const mine = messages.append(seq, fields('mine'), true, 1);
    const theirs = messages.append(other, fields('theirs'), true, 1);
    expect(() => t.store.write(() => messages.renumber(seq, [theirs, mine]))).toThrow(/not in sequence/);
    expect(positions()).toEqual([1]);
    expect(positions(other)).toEqual([1]);
  });

  it('updates fields and the enabled flag, and deletes', () => {
    const { messages } = t.store;
    const id = messages.append(seq, fields('a'), true, 1);
    messages.update(id, fields('renamed', { delayAmount: 0, delayUnit: 'minutes', sendAt: '18:00' }), 5);
    messages.setEnabled(id, false, 6);
    expect(messages.findById(id)).toMatchObject({
      name: 'renamed',
      delayAmount: 0,
      delayUnit: 'minutes',
      sendAt: '18:00',
      enabled: false,
      createdAt: 1,
      updatedAt: 6,
    });
    expect(messages.delete(id)).toBe(true);
    expect(messages.delete(id)).toBe(false);
    expect(messages.findById(id)).toBeUndefined();
  });

  it('copies all messages to another sequence in order, with sent counts reset', () => {
    const { messages, sequences, db } = t.store;
    const a = messages.append(seq, fields('a', { sendAt: '08:00' }), true, 1);
    messages.append(seq, fields('b'), false, 1);
    db.prepare('UPDATE messages SET sent_count = 9 WHERE id = ?').run(a);
    const copy = sequences.insert({ name: 'Copy', description: '', active: true }, 2);
    messages.copyAll(seq, copy, 20);

    const copied = messages.listBySequence(copy);
    expect(copied.map((m) => [m.name, m.position, m.enabled, m.sendAt, m.sentCount, m.createdAt])).toEqual([
      ['a', 1, true, '08:00', 0, 20],
      ['b', 2, false, null, 0, 20],
    ]);
    expect(messages.findById(a)?.sentCount).toBe(9);
  });
});
