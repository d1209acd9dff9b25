/** Test support for the import: a store with a sequence, parsed inputs, and snapshots of the people tables. Not imported by app code. */
import { ContactsImportInputSchema, type MethodInput } from '../../../shared/contract';
import type { Store } from '../store/store';
import type { ImportEnvironment, ImportInput } from './worker-protocol';

/** 2 November 2026, 10:00 in Berlin. */
export const NOW = Date.UTC(2026, 10, 2, 9, 0);
export const ENV: ImportEnvironment = { now: NOW, defaultCountry: 'DE', schedule: { timeZone: 'Europe/Berlin' } };

/** A sequence whose first enabled message goes 2 hours after subscribing (the first message is disabled). */
export function seedSequence(store: Store, name = 'Welcome'): { sequenceId: number; firstMessageId: number } {
  return store.write(() => {
    const sequenceId = store.sequences.insert({ name, description: '', active: true }, NOW);
    const message = (label: string, delayAmount: number) => ({ name: label, body: label, mediaId: null, delayAmount, delayUnit: 'hours' as const, sendAt: null });
    store.messages.append(sequenceId, message('Disabled', 0), false, NOW);
    const firstMessageId = store.messages.append(sequenceId, message('Hello', 2), true, NOW);
    store.messages.append(sequenceId, message('Offer', 24), true, NOW);
    return { sequenceId, firstMessageId };
  });
}

export function importInput(csvText: string, overrides: Partial<MethodInput<'contacts.import'>> = {}): ImportInput {
  return ContactsImportInputSchema.parse({
    importId: 'import-0001',
    fileName: 'customers.csv',
    csvText,
    mapping: { phone: 'Phone', name: 'Name', attributes: [{ column: 'City', attribute: 'city' }] },
    ...overrides,
  });
}

/** Every row of the tables an import writes, to compare before and after. */
export function snapshot(store: Store): string {
  const rows = (table: string) => store.db.prepare(`SELECT * FROM ${table} ORDER BY id`).all();
  return JSON.stringify({ contacts: rows('contacts'), subscriptions: rows('subscriptions') });
}

export function countRows(store: Store, table: 'contacts' | 'subscriptions'): number {
  const row = store.db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get();
  return row?.n ?? 0;
}

/** `count` rows of valid, distinct German mobile numbers. */
export function manyRowsCsv(count: number): string {
  const lines = ['Name,Phone,City'];
  for (let i = 0; i < count; i++) lines.push(`Person ${i},+49 151 ${String(20_000_000 + i)},Berlin`);
  return lines.join('\n');
}
