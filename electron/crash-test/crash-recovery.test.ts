/**
 * The crash test (issue 4, DESIGN.md §5 and §9): the headless app, sending a three-message
 * sequence through a fake SMSGate server, is killed with SIGKILL at random moments and started
 * again on the same data folder, over and over; a last clean run lets everything drain. Then:
 *
 * - no (subscriber, message) pair reached the gateway twice: per phone and text, the gateway
 *   holds one message id (it keeps every message it accepted; a resend under the same id is
 *   refused with 409, as the real server does);
 * - none is missing without the database saying so: every pair the gateway does not have is
 *   recorded `unknown`, `failed` or `skipped`, and every pair it has is recorded `sent` (or
 *   `unknown`, for the owner to settle);
 * - nothing the gateway received is unaccounted for, `PRAGMA integrity_check` is ok, and so is
 *   the search indexes' own check against the contacts.
 *
 * The gateway answers each send a few random milliseconds after accepting it (slow-gateway-proxy),
 * so kills land between "the gateway has it" and "the app recorded it"; the test checks that some
 * did (claimed deliveries found after a kill), so it cannot pass without exercising recovery.
 * Subscribers are added a few per run, so every run has messages in flight. Pacing is off, the
 * sending window always open, and all three messages are due right away (delay 0).
 *
 * The random moments come from a seeded generator; the seed is printed so a failing run can be
 * repeated (CRASH_TEST_SEED=<n>).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmsGate, type FakeSmsGate } from '../core/channels/sms/fake-smsgate-server';
import { seeded } from '../core/engine/seeded-random';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { after, contradictions, countBy, CrashDataFolder, CRASH_SENDING } from './crash-run';
import { buildHeadless, startHeadlessProcess, type HeadlessProcess } from './headless-process';
import { startSlowProxy, type SlowProxy } from './slow-gateway-proxy';

const KILLS = 24;
const SUBSCRIBERS_PER_RUN = 5;
const STEPS = ['Step 1: welcome', 'Step 2: our brochure', 'Step 3: your offer'];
const DRAIN_DEADLINE_MS = 45_000;

describe('crash recovery of the delivery engine', () => {
  let build: TempDir;
  let data: TempDir;
  let gate: FakeSmsGate;
  let proxy: SlowProxy;
  let script: string;
  let app: HeadlessProcess | null = null;
  const seed = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 1_000_000);
  const random = seeded(seed);

  beforeAll(async () => {
    build = makeTempDir();
    data = makeTempDir();
    script = await buildHeadless(build.dir);
    gate = await startFakeSmsGate({ username: 'shop', password: 'secret' });
    proxy = await startSlowProxy(gate.baseUrl, () => 5 + Math.floor(random() * 60));
  }, 60_000);

  afterAll(async () => {
    await app?.kill();
    await proxy.close();
    await gate.close();
    build.cleanup();
    data.cleanup();
  });

  it(
    'sends every message at most once and loses none, whenever the app is killed',
    async () => {
      console.log(`crash test seed ${seed}`);
      const folder = new CrashDataFolder(data.dir);
      // First run: set up the shop, without crashing.
      app = startHeadlessProcess(script, data.dir);
      await app.listening();
      await app.call('settings.update', { timeZone: 'Europe/Berlin', defaultCountry: 'DE', sending: CRASH_SENDING });
      await app.call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: proxy.baseUrl, username: 'shop', password: 'secret' } });
      const sequence = await app.call('sequences.create', { name: 'Welcome', description: '', channel: 'sms' });
      for (const [i, body] of STEPS.entries()) {
        await app.call('messages.create', {
          sequenceId: sequence.id,
          name: `Step ${i + 1}`,
          body,
          delayAmount: 0,
          delayUnit: 'minutes',
          mediaId: null,
          sendAt: null,
          enabled: true,
        });
      }
      await app.kill();

      // The crashes.
      let added = 0;
      let killsWithClaims = 0;
      let killsBeforeListening = 0;
      for (let run = 0; run < KILLS; run++) {
        app = startHeadlessProcess(script, data.dir);
        const running = app;
        if (random() < 0.2) {
          // Sometimes during start-up: migrations, recovery of what the last crash left.
          killsBeforeListening++;
          await after(random() * 400);
        } else {
          await running.listening();
          const adding = (async () => {
            for (let i = 0; i < SUBSCRIBERS_PER_RUN; i++) {
              const n = added++;
              await running.call('subscribers.add', { sequenceId: sequence.id, phone: `+49151${String(20_000_000 + n)}`, name: `Customer ${n}` });
            }
          })();
          // A kill may cut an add short; whether it committed, the database says below.
          adding.catch(() => undefined);
          await after(50 + random() * 600);
        }
        await running.kill();
        if (folder.claimed() > 0) killsWithClaims++;
      }

      // The last run: no crash, until everything is sent.
      app = startHeadlessProcess(script, data.dir);
      await app.listening();
      await folder.drained(app, DRAIN_DEADLINE_MS);
      expect(await app.stop()).toBe(0);

      // What the database says.
      const { pairs, integrity, searchIndexes, subscriptions } = folder.finalState();

      // What the gateway got: message ids per (phone, text).
      const idsByPair = new Map<string, Set<string>>();
      for (const message of gate.messages.values()) {
        for (const phone of message.phoneNumbers) {
          const key = `${phone}|${message.text}`;
          const ids = idsByPair.get(key) ?? new Set<string>();
          ids.add(message.id);
          idsByPair.set(key, ids);
        }
      }

      const summary = {
        seed,
        subscriptions,
        pairs: pairs.length,
        gatewayMessages: gate.messages.size,
        postAnswers: Object.fromEntries(proxy.postAnswers),
        killsWithClaims,
        killsBeforeListening,
        statuses: Object.fromEntries(countBy(pairs.map((p) => p.delivery_status ?? 'none'))),
      };
      console.log('crash test:', JSON.stringify(summary));

      expect(integrity).toEqual(['ok']);
      expect(searchIndexes).toEqual(['ok', 'ok']);
      expect(subscriptions).toBeGreaterThanOrEqual(50);
      // The test did what it says: kills landed while messages were in flight, and start-up
      // recovery sent some again under their key, which the gateway refused as duplicates.
      expect(killsWithClaims).toBeGreaterThan(0);
      expect(proxy.postAnswers.get(409) ?? 0).toBeGreaterThan(0);

      const twice = [...idsByPair].filter(([, ids]) => ids.size > 1).map(([key, ids]) => `${key}: ${[...ids].join(', ')}`);
      expect(twice, 'pairs the gateway received more than once').toEqual([]);

      const known = new Set(pairs.map((p) => `${p.phone}|${p.body}`));
      const strangers = [...idsByPair.keys()].filter((key) => !known.has(key));
      expect(strangers, 'messages the gateway got for no subscription').toEqual([]);

      const wrong = contradictions(pairs, (pair) => idsByPair.has(`${pair.phone}|${pair.body}`));
      expect(wrong, 'pairs delivered but not recorded as sent, or missing without a record').toEqual([]);
      // Every POST the gateway accepted as new is one distinct message (resends were refused with 409).
      expect(proxy.postAnswers.get(202) ?? 0).toBe(gate.messages.size);
    },
    180_000,
  );
});
