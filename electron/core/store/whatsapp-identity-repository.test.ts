import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from './test-store';

describe('WhatsAppIdentityRepository', () => {
  let t: TempStore;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  const addContact = (phone: string): number =>
    t.store.write(() => t.store.contacts.insert({ phone, name: '', attributes: {}, source: 'manual', consentNote: 'Added by hand' }, 1_000));

  it('has no answer for a number nobody asked WhatsApp about yet, and nothing for an unknown number', () => {
    addContact('+4915100000001');
    expect(t.store.whatsappIdentities.findByPhone('+4915100000001')).toEqual({ whatsappId: null, status: null, checkedAt: null });
    expect(t.store.whatsappIdentities.findByPhone('+4915199999999')).toBeUndefined();
  });

  it('remembers the WhatsApp id of a number, and that a number is not on WhatsApp', () => {
    const id = addContact('+4915100000001');
    addContact('+4915100000002');
    const repo = t.store.whatsappIdentities;
    expect(t.store.write(() => repo.recordOnWhatsApp('+4915100000001', '4915100000001@c.us', 5_000))).toBe(true);
    expect(t.store.write(() => repo.recordNotOnWhatsApp('+4915100000002', 6_000))).toBe(true);

    expect(repo.findByPhone('+4915100000001')).toEqual({ whatsappId: '4915100000001@c.us', status: 'on', checkedAt: 5_000 });
    expect(repo.findByPhone('+4915100000002')).toEqual({ whatsappId: null, status: 'not-on', checkedAt: 6_000 });
    // The contact shows it too.
    expect(t.store.contacts.findById(id)).toMatchObject({ whatsappId: '4915100000001@c.us', whatsappStatus: 'on' });
  });

  it('forgets the id when a number later turns out not to be on WhatsApp', () => {
    addContact('+4915100000001');
    const repo = t.store.whatsappIdentities;
    t.store.write(() => repo.recordOnWhatsApp('+4915100000001', '4915100000001@c.us', 5_000));
    t.store.write(() => repo.recordNotOnWhatsApp('+4915100000001', 9_000));
    expect(repo.findByPhone('+4915100000001')).toEqual({ whatsappId: null, status: 'not-on', checkedAt: 9_000 });
  });

  it('writes nothing for a number no contact has', () => {
    expect(t.store.write(() => t.store.whatsappIdentities.recordOnWhatsApp('+4915100000009', '4915100000009@c.us', 1))).toBe(false);
    expect(t.store.write(() => t.store.whatsappIdentities.recordNotOnWhatsApp('+4915100000009', 1))).toBe(false);
  });

  it('leaves the row alone rather than failing when another contact already holds that WhatsApp id', () => {
    addContact('+4915100000001');
    addContact('+4915100000002');
    const repo = t.store.whatsappIdentities;
    t.store.write(() => repo.recordOnWhatsApp('+4915100000001', '123456789@lid', 5_000));
    expect(t.store.write(() => repo.recordOnWhatsApp('+4915100000002', '123456789@lid', 6_000))).toBe(false);
    expect(repo.findByPhone('+4915100000002')).toEqual({ whatsappId: null, status: null, checkedAt: null });
    // Writing the same id again for the contact that has it is fine.
    expect(t.store.write(() => repo.recordOnWhatsApp('+4915100000001', '123456789@lid', 7_000))).toBe(true);
  });
});
