import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME, openCoreApp, type CoreApp } from '../app';
import { startFakeSmsGate, type FakeSmsGate } from '../channels/sms/fake-smsgate-server';
import { ManualTimers } from '../engine/manual-timers';
import type { Logger } from '../logger';
import { createHarness, type Harness } from '../services/test-harness';
import { openDatabase } from '../store/database';
import type { IncomingMessage } from './incoming-message';

/** The app, opened again on the same data folder: the start-up the sweep runs in. */
describe('openCoreApp: confirmations the last run stopped while sending are settled at start', () => {
  let h: Harness;
  let gate: FakeSmsGate;
  let again: CoreApp | null = null;
  const logged: Array<{ level: string; message: string; details: Record<string, unknown> | undefined }> = [];
  const logger: Logger = {
    info: (message, details) => logged.push({ level: 'info', message, details }),
    warn: (message, details) => logged.push({ level: 'warn', message, details }),
    error: (message, details) => logged.push({ level: 'error', message, details }),
  };

  beforeEach(async () => {
    h = createHarness();
    gate = await startFakeSmsGate({ username: 'shop', password: 'secret' });
    await h.call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'secret' } });
    logged.length = 0;
  });

  afterEach(async () => {
    if (again !== null) {
      await again.inbound.settled();
      again.close();
      await again.closed;
      again = null;
    }
    h.cleanup();
    await h.app.closed;
    await gate.close();
  });

  const message = (extra: Partial<IncomingMessage>): IncomingMessage => ({
    channel: 'sms',
    provider: 'smsgate',
    providerMessageId: 'event-1',
    fromPhone: '+4915112345678',
    fromWhatsappId: null,
    fromWhatsappLid: null,
    profileName: null,
    text: 'STOP',
    receivedAt: h.clock.ms - 60_000,
    ...extra,
  });

  const sql = (statement: string, ...params: unknown[]) => h.sql(statement, ...params);
  const confirmationOf = (providerMessageId: string): unknown => {
    const db = openDatabase(path.join(h.dataDir, DATABASE_FILE_NAME));
    try {
      const row = db
        .prepare<[string], { actions: string }>('SELECT actions FROM inbound_messages WHERE provider_message_id = ?')
        .get(providerMessageId);
      return (JSON.parse(row?.actions ?? '[]') as Array<{ kind: string }>).find((action) => action.kind === 'confirmation');
    } finally {
      db.close();
    }
  };

  const reopen = async (): Promise<CoreApp> => {
    await h.app.inbound.settled();
    h.app.close();
    await h.app.closed;
    const timers = new ManualTimers(h.clock, (ms) => {
      h.clock.ms = ms;
    });
    again = openCoreApp({
      timers,
      dataDir: h.dataDir,
      shell: 'headless',
      version: '0.0.0-test',
      clock: h.clock,
      logger,
      machineTimeZone: 'Europe/Berlin',
      machineCountry: 'DE',
      engine: { autoStart: false },
    });
    await again.inbound.settled();
    return again;
  };

  it('SMSGate is given it again with the same key (the customer gets one), WhatsApp is not and it says it may have been sent', async () => {
    await h.app.inbound.receive(message({}));
    await h.app.inbound.receive(
      message({ channel: 'whatsapp', provider: 'whatsapp', providerMessageId: 'wa-1', fromPhone: '+4915187654321', fromWhatsappId: '4915187654321@c.us' }),
    );
    await h.app.inbound.settled();
    const [first] = [...gate.messages.values()];
    expect(first?.text).toBe('You will not get any more messages from us. Reply START to allow them again.');
    // As if the app had stopped while sending each.
    sql(`UPDATE inbound_messages SET actions = json_set(actions, '$[#-1]', json(?))`, JSON.stringify({ kind: 'confirmation', state: 'sending', detail: '' }));
    gate.requests.length = 0;

    await reopen();

    expect(gate.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { id: string }).id)).toEqual([first?.id]);
    expect(gate.messages.size).toBe(1);
    expect(confirmationOf('event-1')).toEqual({ kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by SMS/) });
    expect(confirmationOf('wa-1')).toEqual({ kind: 'confirmation', state: 'perhaps-sent', detail: '' });
    expect(logged).toContainEqual({
      level: 'info',
      message: 'STOP/START confirmations the app stopped while sending were settled at start',
      details: { sentAgain: [expect.any(Number)], notSentAgain: [expect.any(Number)] },
    });
  });
});
