/**
 * The crash test over WhatsApp (issue 8; DESIGN.md §5 and §9): like crash-recovery.test.ts, but
 * the headless app sends a three-message sequence through the simulated WhatsApp Web server
 * (fake-whatsapp-server.ts, `--fake-whatsapp`), which keeps every chat outside the app. WhatsApp
 * has no idempotency key, so a send a kill interrupted can only be settled by reading the chat:
 * start-up recovery waits for WhatsApp to reconnect, then reconciles each claim against the
 * chat's latest messages (found → sent with that id; not there → sent again; cannot tell →
 * unknown). The app is killed with SIGKILL at random moments and restarted on the same data
 * folder; a last clean run lets everything drain. Then:
 *
 * - no (subscriber, message) pair reached WhatsApp twice: per chat and text, the simulation holds
 *   at most one message;
 * - none is missing without the database saying so: every pair WhatsApp lacks is `unknown`,
 *   `failed` or `skipped`; every pair it has is `sent` (or `unknown`, for the owner to settle);
 * - WhatsApp got nothing for no subscription, and the database passes its integrity checks.
 *
 * WhatsApp answers each send a few random milliseconds after it has the message, so kills land
 * between "WhatsApp has it" and "the app recorded it"; the test checks that some did AND that
 * recovery then found such a message in the chat (a reconciled claim is recorded as sent with
 * recovery's remark, which a send the app saw through never has), so it cannot pass without
 * exercising the reconcile. Fewer kills than the SMSGate test keep it short; the seed is printed
 * (CRASH_TEST_SEED=<n> repeats a run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWhatsAppServer, type FakeWhatsAppServer } from '../core/channels/whatsapp/fake-whatsapp-server';
import { whatsAppIdOfPhone } from '../core/channels/whatsapp/whatsapp-ids';
import { FOUND_AFTER_CRASH } from '../core/engine/recovery';
import { seeded } from '../core/engine/seeded-random';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { ALLOW_FAKE_WHATSAPP_ENV } from '../shell/fake-whatsapp-option';
import { after, contradictions, countBy, CrashDataFolder, CRASH_SENDING } from './crash-run';
import { buildHeadless, startHeadlessProcess, type HeadlessProcess } from './headless-process';

const KILLS = 12;
const SUBSCRIBERS_PER_RUN = 5;
const STEPS = ['Step 1: welcome', 'Step 2: our brochure', 'Step 3: your offer'];
const DRAIN_DEADLINE_MS = 45_000;
const phoneOf = (n: number): string => `+49152${String(30_000_000 + n)}`;

describe('crash recovery of the delivery engine over WhatsApp', () => {
  let build: TempDir;
  let data: TempDir;
  let whatsapp: FakeWhatsAppServer;
  let script: string;
  let app: HeadlessProcess | null = null;
  const seed = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 1_000_000);
  const random = seeded(seed);

  beforeAll(async () => {
    build = makeTempDir();
    data = makeTempDir();
    script = await buildHeadless(build.dir);
    whatsapp = await startFakeWhatsAppServer();
    // Every customer the test adds has WhatsApp.
    for (let n = 0; n < (KILLS + 1) * SUBSCRIBERS_PER_RUN; n++) whatsapp.sim.register(phoneOf(n));
    // WhatsApp has the message; the answer to the app comes a few (seeded) milliseconds later.
    whatsapp.sim.onSend = () => after(5 + Math.floor(random() * 60));
  }, 60_000);

  afterAll(async () => {
    await app?.kill();
    await whatsapp.close();
    build.cleanup();
    data.cleanup();
  });

  const start = (): HeadlessProcess =>
    startHeadlessProcess(script, data.dir, { args: ['--fake-whatsapp', whatsapp.url], env: { [ALLOW_FAKE_WHATSAPP_ENV]: '1' } });

  it(
    'sends every message at most once and loses none, whenever the app is killed',
    async () => {
      console.log(`WhatsApp crash test seed ${seed}`);
      const folder = new CrashDataFolder(data.dir);
      // First run: link WhatsApp (QR scanned on the phone) and set up the shop, without crashing.
      app = start();
      await app.listening();
      await app.call('settings.update', { timeZone: 'Europe/Berlin', defaultCountry: 'DE', sending: CRASH_SENDING });
      await app.call('whatsapp.link', {});
      await whatsapp.waitFor('qr');
      whatsapp.sim.scan();
      await whatsapp.waitFor('ready');
      const sequence = await app.call('sequences.create', { name: 'Welcome', description: '', channel: 'whatsapp' });
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
        app = start();
        const running = app;
        if (random() < 0.2) {
          // Sometimes during start-up: migrations, reconnecting WhatsApp, recovery of what the last crash left.
          killsBeforeListening++;
          await after(random() * 400);
        } else {
          await running.listening();
          const adding = (async () => {
            for (let i = 0; i < SUBSCRIBERS_PER_RUN; i++) {
              const n = added++;
              await running.call('subscribers.add', { sequenceId: sequence.id, phone: phoneOf(n), name: `Customer ${n}` });
            }
          })();
          // A kill may cut an add short; whether it committed, the database says below.
          adding.catch(() => undefined);
          // WhatsApp reconnects first (a few hundred ms); the sends follow.
          await after(300 + random() * 700);
        }
        await running.kill();
        if (folder.claimed() > 0) killsWithClaims++;
      }

      // The last run: no crash, until everything is sent.
      app = start();
      await app.listening();
      await folder.drained(app, DRAIN_DEADLINE_MS);
      expect(await app.stop()).toBe(0);

      const { pairs, integrity, searchIndexes, subscriptions } = folder.finalState();
      // A claim recovery found in the chat is recorded as sent with recovery's remark; a send the app saw answered has none.
      const reconciled = folder.count(`SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent' AND error = '${FOUND_AFTER_CRASH.replaceAll("'", "''")}'`);
      const resentAfterCrash = folder.count("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent' AND attempts > 1");

      // What WhatsApp got: messages per (chat, text).
      const perPair = countBy(whatsapp.sim.sent.map((message) => `${message.chatId}|${message.text}`));
      const summary = {
        seed,
        subscriptions,
        pairs: pairs.length,
        whatsappMessages: whatsapp.sim.sent.length,
        killsWithClaims,
        killsBeforeListening,
        reconciled,
        resentAfterCrash,
        statuses: Object.fromEntries(countBy(pairs.map((p) => p.delivery_status ?? 'none'))),
      };
      console.log('WhatsApp crash test:', JSON.stringify(summary));

      expect(integrity).toEqual(['ok']);
      expect(searchIndexes).toEqual(['ok', 'ok']);
      expect(subscriptions).toBeGreaterThanOrEqual(20);
      // The test did what it says: kills landed while messages were in flight, and recovery found
      // some of them in the chat instead of sending them again.
      expect(killsWithClaims).toBeGreaterThan(0);
      expect(reconciled).toBeGreaterThan(0);

      const twice = [...perPair].filter(([, n]) => n > 1).map(([key, n]) => `${key}: ${n}×`);
      expect(twice, 'pairs WhatsApp received more than once').toEqual([]);

      const pairKey = (pair: { phone: string; body: string }): string => `${whatsAppIdOfPhone(pair.phone)}|${pair.body}`;
      const known = new Set(pairs.map(pairKey));
      const strangers = [...perPair.keys()].filter((key) => !known.has(key));
      expect(strangers, 'messages WhatsApp got for no subscription').toEqual([]);

      const wrong = contradictions(pairs, (pair) => perPair.has(pairKey(pair)));
      expect(wrong, 'pairs delivered but not recorded as sent, or missing without a record').toEqual([]);
    },
    180_000,
  );
});
