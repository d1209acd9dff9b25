import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageFields } from './message-repository';
import { sequenceNameKey } from './sequence-repository';
import { openTempStore, type TempStore } from './test-store';

const message = (name: string): MessageFields => ({
  name,
  body: '',
  mediaId: null,
  delayAmount: 1,
  delayUnit: 'days',
  sendAt: null,
});

describe('SequenceRepository', () => {
  let t: TempStore;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  it('stores a sequence and reads it back with zero counts', () => {
    const { sequences } = t.store;
    const id = sequences.insert({ name: 'Welcome', description: 'New customers', active: true }, 1000);
    expect(sequences.findById(id)).toEqual({
      id,
      name: 'Welcome',
      description: 'New customers',
      active: true,
      messageCount: 0,
      enabledMessageCount: 0,
      channel: null,
      smsFallback: false,
      stopOnReply: false,
      subscriberCount: 0,
      activeSubscriberCount: 0,
      sentCount: 0,
      createdAt: 1000,
      updatedAt: 1000,
    });
    expect(sequences.findById(id + 1)).toBeUndefined();
  });

  it('stores the channel a sequence sends through, keeps it when an update leaves it out, and refuses unknown ones', () => {
    const { sequences, db } = t.store;
    const id = sequences.insert({ name: 'Car enquiry', description: '', active: true, channel: 'sms' }, 1);
    expect(sequences.findById(id)?.channel).toBe('sms');
    sequences.update(id, { name: 'Car enquiry', description: 'x', active: true }, 2);
    expect(sequences.findById(id)?.channel).toBe('sms');
    sequences.update(id, { name: 'Car enquiry', description: 'x', active: true, channel: null }, 3);
    expect(sequences.findById(id)?.channel).toBeNull();
    expect(() => db.prepare("UPDATE sequences SET channel = 'pigeon' WHERE id = ?").run(id)).toThrow(/CHECK constraint failed/);
  });

  it('lists sequences in name order, ignoring case, with message, enabled and sent counts', () => {
    const { sequences, messages, db } = t.store;
    const b = sequences.insert({ name: 'banana', description: '', active: true }, 1);
    const a = sequences.insert({ name: 'Apple', description: '', active: false }, 1);
    sequences.insert({ name: 'cherry', description: '', active: true }, 1);
    const first = messages.append(a, message('one'), true, 1);
    messages.append(a, message('two'), false, 1);
    messages.append(b, message('three'), true, 1);
    db.prepare('UPDATE messages SET sent_count = ? WHERE id = ?').run(5, first);

    const list = t.store.sequences.list();
    expect(list.map((s) => s.name)).toEqual(['Apple', 'banana', 'cherry']);
    expect(list.map((s) => [s.messageCount, s.enabledMessageCount, s.sentCount])).toEqual([
      [2, 1, 5],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(list[0]?.active).toBe(false);
  });

  it('finds a taken name case-insensitively, beyond ASCII', () => {
    const { sequences } = t.store;
    const id = sequences.insert({ name: 'Ölkur Café', description: '', active: true }, 1);
    expect(sequences.findIdByName('ölkur CAFÉ')).toBe(id);
    // "é" written as e + combining accent is the same name.
    expect(sequences.findIdByName('ölkur cafe\u0301')).toBe(id);
    expect(sequences.findIdByName('Ölkur')).toBeUndefined();
    expect(sequenceNameKey('ABC')).toBe('abc');
  });

  it('updates fields and timestamps, and deletes with messages', () => {
    const { sequences, messages } = t.store;
    const id = sequences.insert({ name: 'Old', description: '', active: true }, 1);
    messages.append(id, message('one'), true, 1);
    expect(sequences.update(id, { name: 'New', description: 'd', active: false }, 50)).toBe(true);
    expect(sequences.findById(id)).toMatchObject({ name: 'New', description: 'd', active: false, createdAt: 1, updatedAt: 50 });
    expect(sequences.findIdByName('old')).toBeUndefined();
    sequences.touch(id, 60);
    expect(sequences.findById(id)?.updatedAt).toBe(60);

    expect(sequences.update(id + 1, { name: 'X', description: '', active: true }, 1)).toBe(false);
    expect(sequences.delete(id)).toBe(true);
    expect(sequences.delete(id)).toBe(false);
    expect(messages.listBySequence(id)).toEqual([]);
  });
});
