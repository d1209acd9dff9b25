/**
 * Finding due work over 1,000,000 subscriptions of which 100 are due (DESIGN.md §7: a tick under
 * 2 ms, O(due) rather than O(subscriptions)).
 *
 * A real database file with the app's schema: 100,000 contacts in 10 sequences (all active, on the
 * test-mode channel), one subscription each, so 1,000,000 active subscriptions; 100 of them due,
 * the others due over the next days. Written with plain SQL in one transaction (the contacts are
 * not put in the search index: nothing here searches).
 *
 * Measured: what a round of the delivery engine does to find its work — the sequences that may
 * send, then per channel the oldest due subscription or retry (engine/claim.ts `nextWorkItem`, the
 * engine's own code and statements) — and, for information, the due count the status bar shows.
 * 200 rounds after a warm-up; the figure is the p99.
 */
import path from 'node:path';
import { systemClock } from '../electron/core/clock';
import type { ChannelId } from '../electron/core/channels/channel';
import { nextWorkItem } from '../electron/core/engine/claim';
import { laneRoutes, NORMAL_ROUTING } from '../electron/core/engine/routing';
import { createEngineStore } from '../electron/core/engine/engine-store';
import { DEFAULT_SENDING } from '../electron/core/services/settings-service';
import { openStore } from '../electron/core/store/store';
import type { BenchResult } from './report';

const CONTACTS = 100_000;
const SEQUENCES = 10;
const DUE = 100;
const ROUNDS = 200;
const CHANNELS: readonly ChannelId[] = ['test', 'sms', 'whatsapp'];

export function benchDueLookup(dir: string): BenchResult[] {
  const store = openStore(path.join(dir, 'due-lookup.db'));
  try {
    const now = systemClock.now();
    const started = performance.now();
    store.db.pragma('cache_size = -65536');
    store.write(() => {
      const { db } = store;
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
         INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at)
         SELECT '+49151' || (20000000 + i), 'Customer ' || i, 'customer ' || i, 'import', @now, @now, @now FROM n`,
      ).run({ count: CONTACTS, now });
      for (let s = 1; s <= SEQUENCES; s++) {
        const sequenceId = Number(
          db
            .prepare("INSERT INTO sequences (name, name_key, description, channel, created_at, updated_at) VALUES (?, ?, '', 'test', ?, ?)")
            .run(`Sequence ${s}`, `sequence ${s}`, now, now).lastInsertRowid,
        );
        const messageId = Number(
          db
            .prepare(
              `INSERT INTO messages (sequence_id, position, name, body, delay_amount, delay_unit, created_at, updated_at)
               VALUES (?, 1, 'Hello', 'Hello', 0, 'minutes', ?, ?)`,
            )
            .run(sequenceId, now, now).lastInsertRowid,
        );
        // 10 due per sequence (contacts 1, 10,001, 20,001, …), the rest spread over the next ~11 days.
        db.prepare(
          `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, next_message_id, next_due_at, created_at, updated_at)
           SELECT id, @sequenceId, 'active', 'import', @now, @messageId,
                  CASE WHEN id % @every = 1 THEN @now - id ELSE @now + 86400000 + (id * 7919 % 1000000000) END, @now, @now
           FROM contacts`,
        ).run({ sequenceId, messageId, now, every: CONTACTS / (DUE / SEQUENCES) });
      }
    });
    const buildMs = performance.now() - started;
    const total = store.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM subscriptions').get()?.n ?? 0;

    const env = createEngineStore(store, systemClock, () => ({ timeZone: 'Europe/Berlin', sending: DEFAULT_SENDING }), dir);
    const dueNow = env.sending.allDueCount(now);
    if (total !== CONTACTS * SEQUENCES || dueNow !== DUE) throw new Error(`The due-lookup data is off: ${total} subscriptions, ${dueNow} due.`);

    const round = (): number => {
      const sequences = env.sending.sequences();
      let found = 0;
      for (const channel of CHANNELS) {
        if (nextWorkItem(env, laneRoutes(channel, sequences, NORMAL_ROUTING)) !== undefined) found++;
      }
      return found;
    };
    const lookups = timeRounds(round);
    const counts = timeRounds(() => env.sending.allDueCount(now));
    const people = (CONTACTS * SEQUENCES).toLocaleString('en-US');
    return [
      {
        name: `Due lookup, ${people} subscriptions, ${DUE} due (p99 per round)`,
        value: lookups.p99,
        unit: 'ms',
        budget: 2,
        note: `median ${lookups.median.toFixed(3)} ms over ${ROUNDS} rounds (sequences + oldest work of 3 channels); data written in ${(buildMs / 1000).toFixed(1)} s`,
      },
      { name: `Due count for the status bar, ${people} subscriptions (p99)`, value: counts.p99, unit: 'ms', note: `median ${counts.median.toFixed(3)} ms` },
    ];
  } finally {
    store.close();
  }
}

function timeRounds(round: () => unknown): { median: number; p99: number } {
  for (let i = 0; i < 20; i++) round();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    round();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(ROUNDS / 2)] ?? Number.NaN, p99: times[Math.ceil(ROUNDS * 0.99) - 1] ?? Number.NaN };
}
