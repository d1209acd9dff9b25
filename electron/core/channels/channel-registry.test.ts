import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelStatusInfo, SmsProviderConfig } from '../../../shared/domain';
import { openCoreApp, type CoreApp } from '../app';
import { FakeChannel } from '../engine/engine-test-support';
import { ManualClock, ManualTimers } from '../engine/manual-timers';
import { EventBus } from '../events';
import { silentLogger, type Logger } from '../logger';
import { SECRETS_FILE_NAME } from '../secrets/file-secret-store';
import { MemorySecretStore } from '../secrets/secret-store';
import { makeTempDir, openTempStore, type TempDir, type TempStore } from '../store/test-store';
import { ChannelRegistry } from './channel-registry';
import { startFakeHttpGateway, type FakeHttpGateway } from './sms/fake-http-gateway';
import { startFakeSmsGate, type FakeSmsGate } from './sms/fake-smsgate-server';
import { startFakeTwilio, type FakeTwilio } from './sms/fake-twilio-server';
import { LEGACY_SMS_GATEWAY_SETTING, SMS_PROVIDER_SETTING, SMS_SECRET_KEYS } from './sms/sms-provider-settings';
import { TwilioChannel } from './sms/twilio';

describe('channels: configuring the SMS gateway through the app', () => {
  let temp: TempDir;
  let gate: FakeSmsGate;
  let app: CoreApp;
  let statuses: ChannelStatusInfo[];

  const open = (): CoreApp => {
    const clock = new ManualClock(Date.UTC(2026, 10, 2, 9));
    const core = openCoreApp({
      dataDir: temp.dir,
      shell: 'headless',
      version: '0.0.0-test',
      clock,
      timers: new ManualTimers(clock),
      logger: silentLogger,
      machineTimeZone: 'Europe/Berlin',
      machineCountry: 'DE',
    });
    core.events.on('channel.status', (status) => statuses.push(status));
    return core;
  };

  beforeEach(async () => {
    temp = makeTempDir();
    gate = await startFakeSmsGate({ username: 'shop', password: 'p4ss' });
    statuses = [];
    app = open();
  });

  afterEach(async () => {
    app.close();
    await app.closed;
    await gate.close();
    temp.cleanup();
  });

  it('lists test mode as ready and SMS as not set up', async () => {
    const list = await app.handlers['channels.list']({});
    expect(list.map((s) => s.channel)).toEqual(['test', 'sms', 'whatsapp']);
    expect(list.slice(0, 2)).toEqual([
      { channel: 'test', state: 'ready', reason: null },
      { channel: 'sms', state: 'not-configured', reason: 'The SMS gateway is not set up yet (Settings → Channels).' },
    ]);
    expect(await app.handlers['channels.getSmsProvider']({})).toBeNull();
  });

  it('saves the gateway, checks the connection, keeps the password out of the database and the answers', async () => {
    const status = await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss' } });
    expect(status).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(statuses.at(-1)).toEqual(status);
    expect(gate.requests.at(-1)).toMatchObject({ method: 'GET', authorized: true });
    expect(await app.handlers['channels.getSmsProvider']({})).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: true });

    const secrets = path.join(temp.dir, SECRETS_FILE_NAME);
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secrets, 'utf8')).toContain('p4ss');
    const database = fs.readFileSync(path.join(temp.dir, 'sequence-automation.db')).toString('latin1');
    const wal = fs.readFileSync(path.join(temp.dir, 'sequence-automation.db-wal')).toString('latin1');
    expect(database + wal).not.toContain('p4ss');

    // Still configured after a restart.
    app.close();
    await app.closed;
    app = open();
    expect((await app.handlers['channels.list']({}))[1]).toEqual({ channel: 'sms', state: 'ready', reason: null });
  });

  it('keeps a configuration the gateway refuses, and says why', async () => {
    const status = await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'wrong' } });
    expect(status).toEqual({ channel: 'sms', state: 'down', reason: expect.stringContaining('rejected the login') as unknown });
    expect(await app.handlers['engine.status']({})).toMatchObject({ channels: [{ channel: 'test' }, status, { channel: 'whatsapp' }] });
  });

  it('refuses an address that is not a web address, storing nothing', async () => {
    await expect(app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: 'ftp://phone', username: 'shop', password: 'p4ss' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'config.baseUrl',
    });
    expect(await app.handlers['channels.getSmsProvider']({})).toBeNull();
    expect(fs.existsSync(path.join(temp.dir, SECRETS_FILE_NAME))).toBe(false);
  });

  it('removes the gateway and its password', async () => {
    await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss' } });
    expect(await app.handlers['channels.configureSmsProvider']({ config: null })).toMatchObject({ channel: 'sms', state: 'not-configured' });
    expect(await app.handlers['channels.getSmsProvider']({})).toBeNull();
    expect(fs.readFileSync(path.join(temp.dir, SECRETS_FILE_NAME), 'utf8')).not.toContain('p4ss');
  });

  it('reports a configuration whose password went missing as not set up, with the reason', async () => {
    await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss' } });
    app.close();
    await app.closed;
    fs.rmSync(path.join(temp.dir, SECRETS_FILE_NAME));
    app = open();
    expect((await app.handlers['channels.list']({}))[1]).toEqual({
      channel: 'sms',
      state: 'not-configured',
      reason: 'The SMS gateway password is missing. Enter it again in Settings → Channels.',
    });
    expect(await app.handlers['channels.getSmsProvider']({})).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: false });
  });
});

describe('channels: one SMS provider at a time (SMSGate, Twilio, HTTP template), and test messages', () => {
  const TOKEN = 'twilio-auth-token-0123456789abcdef';
  const PASSWORD = 'p4ss-word-smsgate';
  const API_KEY = 'api-key-http-template-9876';
  const SECRETS = [TOKEN, PASSWORD, API_KEY];

  let temp: TempStore;
  let secrets: MemorySecretStore;
  let gate: FakeSmsGate;
  let twilio: FakeTwilio;
  let http: FakeHttpGateway;
  let logged: string[];
  let events: EventBus;
  let registry: ChannelRegistry;
  let whatsapp: FakeChannel;

  const capturingLogger: Logger = {
    info: (message, details) => logged.push(`${message} ${JSON.stringify(details ?? {})}`),
    warn: (message, details) => logged.push(`${message} ${JSON.stringify(details ?? {})}`),
    error: (message, details) => logged.push(`${message} ${JSON.stringify(details ?? {})}`),
  };
  const clock = new ManualClock(Date.UTC(2026, 10, 2, 9));

  const open = (): ChannelRegistry => {
    registry.close();
    registry = new ChannelRegistry({ store: temp.store, secrets, events, clock, logger: capturingLogger, whatsapp, defaultCountry: () => 'DE', smsTimeoutMs: 5_000 });
    return registry;
  };
  const twilioConfig = (overrides: Partial<Extract<SmsProviderConfig, { provider: 'twilio' }>> = {}): SmsProviderConfig => ({
    provider: 'twilio',
    accountSid: twilio.accountSid,
    authToken: TOKEN,
    from: twilio.phoneNumber,
    baseUrl: twilio.baseUrl,
    ...overrides,
  });
  const smsGateConfig = (overrides: Partial<Extract<SmsProviderConfig, { provider: 'smsgate' }>> = {}): SmsProviderConfig => ({
    provider: 'smsgate',
    baseUrl: gate.baseUrl,
    username: 'shop',
    password: PASSWORD,
    ...overrides,
  });
  const httpConfig = (overrides: Partial<Extract<SmsProviderConfig, { provider: 'http' }>> = {}): SmsProviderConfig => ({
    provider: 'http',
    url: `${http.baseUrl}/api/send`,
    method: 'POST',
    headers: [{ name: 'X-Api-Key', value: API_KEY }],
    body: '{"to":"{{to}}","text":"{{text}}"}',
    contentType: 'application/json',
    ...overrides,
  });
  /** Everything the app wrote outside the SecretStore: the database and its WAL. */
  const databaseBytes = (): string =>
    ['', '-wal'].map((suffix) => (fs.existsSync(`${temp.file}${suffix}`) ? fs.readFileSync(`${temp.file}${suffix}`).toString('latin1') : '')).join('');

  beforeEach(async () => {
    temp = openTempStore();
    secrets = new MemorySecretStore();
    gate = await startFakeSmsGate({ username: 'shop', password: PASSWORD });
    twilio = await startFakeTwilio({ authToken: TOKEN });
    http = await startFakeHttpGateway();
    logged = [];
    events = new EventBus();
    whatsapp = new FakeChannel('whatsapp', clock, false);
    registry = new ChannelRegistry({ store: temp.store, secrets, events, clock, logger: silentLogger });
    open();
  });

  afterEach(async () => {
    registry.close();
    await Promise.all([gate.close(), twilio.close(), http.close()]);
    temp.cleanup();
    // Whatever happened in the test, no secret reached a log line.
    for (const line of logged) for (const secret of SECRETS) expect(line).not.toContain(secret);
  });

  it('Twilio: checks the account, answers the settings without the token, and keeps it across a restart', async () => {
    expect(await registry.configureSmsProvider(twilioConfig())).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(twilio.requests.at(-1)).toMatchObject({ method: 'GET', path: `/2010-04-01/Accounts/${twilio.accountSid}.json`, authorized: true });
    const status = registry.smsProvider();
    expect(status).toEqual({ provider: 'twilio', accountSid: twilio.accountSid, from: twilio.phoneNumber, baseUrl: twilio.baseUrl, hasAuthToken: true });
    expect(JSON.stringify(status)).not.toContain(TOKEN);
    expect(databaseBytes()).not.toContain(TOKEN);
    expect(registry.twilioCredentials()).toEqual({ accountSid: twilio.accountSid, authToken: TOKEN });
    expect(registry.smsGateCredentials()).toBeNull();

    open();
    expect(registry.status('sms')).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(registry.get('sms')).toBeInstanceOf(TwilioChannel);
  });

  it('Twilio: an update without the token keeps the stored one', async () => {
    await registry.configureSmsProvider(twilioConfig());
    const { authToken: _omitted, ...withoutToken } = twilioConfig({ from: `MG${'d'.repeat(32)}` }) as Extract<SmsProviderConfig, { provider: 'twilio' }>;
    expect(await registry.configureSmsProvider(withoutToken)).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(twilio.requests.at(-1)?.authorized).toBe(true);
    expect(registry.smsProvider()).toMatchObject({ provider: 'twilio', from: `MG${'d'.repeat(32)}`, hasAuthToken: true });
  });

  it('Twilio: a wrong token is kept and reported down with the reason', async () => {
    expect(await registry.configureSmsProvider(twilioConfig({ authToken: 'wrong' }))).toEqual({
      channel: 'sms',
      state: 'down',
      reason: 'Twilio rejected the login — check the Account SID and auth token in Settings.',
    });
    expect(registry.smsProvider()).toMatchObject({ provider: 'twilio', hasAuthToken: true });
  });

  it('switching provider needs the new provider’s secret, and forgets the old provider’s', async () => {
    await registry.configureSmsProvider(twilioConfig());
    const { password: _omitted, ...withoutPassword } = smsGateConfig() as Extract<SmsProviderConfig, { provider: 'smsgate' }>;
    await expect(registry.configureSmsProvider(withoutPassword)).rejects.toMatchObject({ code: 'VALIDATION', field: 'config.password' });
    // Refused: Twilio is still the provider, untouched.
    expect(registry.smsProvider()).toMatchObject({ provider: 'twilio', hasAuthToken: true });
    expect(registry.get('sms')).toBeInstanceOf(TwilioChannel);

    expect(await registry.configureSmsProvider(smsGateConfig())).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(registry.smsProvider()).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: true });
    expect(secrets.get(SMS_SECRET_KEYS.twilio)).toBeUndefined();
    expect(registry.twilioCredentials()).toBeNull();
    expect(registry.smsGateCredentials()).toEqual({ baseUrl: gate.baseUrl, username: 'shop', password: PASSWORD });

    // And back: Twilio needs its token again.
    const { authToken: _token, ...twilioWithoutToken } = twilioConfig() as Extract<SmsProviderConfig, { provider: 'twilio' }>;
    await expect(registry.configureSmsProvider(twilioWithoutToken)).rejects.toMatchObject({ code: 'VALIDATION', field: 'config.authToken' });
  });

  it('HTTP template: ready without a request, header values kept secret, an omitted value kept on update', async () => {
    expect(await registry.configureSmsProvider(httpConfig())).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(http.requests).toHaveLength(0);
    const status = registry.smsProvider();
    expect(status).toEqual({ provider: 'http', url: `${http.baseUrl}/api/send`, method: 'POST', headerNames: ['X-Api-Key'], body: '{"to":"{{to}}","text":"{{text}}"}', contentType: 'application/json' });
    expect(JSON.stringify(status)).not.toContain(API_KEY);
    expect(databaseBytes()).not.toContain(API_KEY);

    // The owner changes the body; the API key field is left empty.
    await registry.configureSmsProvider(httpConfig({ headers: [{ name: 'X-Api-Key' }], body: '{"number":"{{to}}","message":"{{text}}"}' }));
    open();
    expect(await registry.sendTestMessage({ channel: 'sms', phone: '+4915123456789', text: 'Hi "there"' })).toMatchObject({ ok: true });
    expect(http.requests[0]?.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.parse(http.requests[0]?.rawBody ?? '')).toEqual({ number: '+4915123456789', message: 'Hi "there"' });

    // The settings page leaves the headers out altogether when they are as saved: kept as they are.
    const { headers: _unchanged, ...withoutHeaders } = httpConfig({ body: '{"to":"{{to}}","message":"{{text}}"}' }) as Extract<SmsProviderConfig, { provider: 'http' }>;
    await registry.configureSmsProvider(withoutHeaders);
    expect(registry.smsProvider()).toMatchObject({ headerNames: ['X-Api-Key'] });
    await registry.sendTestMessage({ channel: 'sms', phone: '+4915123456789', text: 'Kept' });
    expect(http.requests[1]?.headers['x-api-key']).toBe(API_KEY);
    // An empty list removes them.
    await registry.configureSmsProvider(httpConfig({ headers: [] }));
    expect(registry.smsProvider()).toMatchObject({ headerNames: [] });

    // A new header needs its value.
    await expect(registry.configureSmsProvider(httpConfig({ headers: [{ name: 'X-Api-Key', value: API_KEY }, { name: 'X-User' }] }))).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'config.headers.1.value',
    });
  });

  it('refuses a template that cannot work with the field at fault, storing nothing', async () => {
    await expect(registry.configureSmsProvider(httpConfig({ body: '{"to":{{to}},"text":"{{text}}"}' }))).rejects.toMatchObject({ code: 'VALIDATION', field: 'config.body' });
    await expect(registry.configureSmsProvider(httpConfig({ url: `${http.baseUrl}/send?n={{name}}` }))).rejects.toMatchObject({ code: 'VALIDATION', field: 'config.url' });
    expect(registry.smsProvider()).toBeNull();
    expect(secrets.get(SMS_SECRET_KEYS.http)).toBeUndefined();
    expect(registry.status('sms').state).toBe('not-configured');
  });

  it('reads the SMSGate setting of earlier versions, and replaces it on the next save', async () => {
    temp.store.write(() => temp.store.settings.set(LEGACY_SMS_GATEWAY_SETTING, { baseUrl: gate.baseUrl, username: 'shop' }));
    secrets.set(SMS_SECRET_KEYS.smsgate, PASSWORD);
    open();
    expect(registry.status('sms')).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(registry.smsProvider()).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: true });
    expect(registry.smsGateCredentials()).toEqual({ baseUrl: gate.baseUrl, username: 'shop', password: PASSWORD });
    expect(await registry.sendTestMessage({ channel: 'sms', phone: '+4915123456789', text: 'Still here' })).toMatchObject({ ok: true });

    // Saved again without retyping the password: now in the new setting, the old one gone.
    const { password: _omitted, ...withoutPassword } = smsGateConfig() as Extract<SmsProviderConfig, { provider: 'smsgate' }>;
    expect(await registry.configureSmsProvider(withoutPassword)).toMatchObject({ state: 'ready' });
    expect(temp.store.settings.get(SMS_PROVIDER_SETTING)).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop' });
    expect(temp.store.settings.get(LEGACY_SMS_GATEWAY_SETTING) ?? null).toBeNull();
    expect(secrets.get(SMS_SECRET_KEYS.smsgate)).toBe(PASSWORD);
  });

  it('reports a Twilio whose token went missing as not set up, with the reason', async () => {
    await registry.configureSmsProvider(twilioConfig());
    secrets.delete(SMS_SECRET_KEYS.twilio);
    open();
    expect(registry.status('sms')).toEqual({ channel: 'sms', state: 'not-configured', reason: 'The Twilio auth token is missing. Enter it again in Settings → Channels.' });
    expect(registry.smsProvider()).toMatchObject({ provider: 'twilio', hasAuthToken: false });
  });

  it('removing the provider forgets its secrets', async () => {
    await registry.configureSmsProvider(twilioConfig());
    expect(await registry.configureSmsProvider(null)).toMatchObject({ channel: 'sms', state: 'not-configured' });
    expect(registry.smsProvider()).toBeNull();
    expect(secrets.get(SMS_SECRET_KEYS.twilio)).toBeUndefined();
  });

  describe('send test message', () => {
    it('through SMSGate: the number is read with the default country, and each test is a new message', async () => {
      await registry.configureSmsProvider(smsGateConfig());
      const first = await registry.sendTestMessage({ channel: 'sms', phone: '0151 23456789', text: 'Test one' });
      expect(first).toEqual({ ok: true, providerMessageId: expect.any(String) as unknown, message: 'Test message sent by SMS to +4915123456789.' });
      await registry.sendTestMessage({ channel: 'sms', phone: '0151 23456789', text: 'Test one' });
      expect([...gate.messages.values()].map((m) => [m.phoneNumbers, m.text])).toEqual([
        [['+4915123456789'], 'Test one'],
        [['+4915123456789'], 'Test one'],
      ]);
    });

    it('through Twilio: answers the message SID', async () => {
      await registry.configureSmsProvider(twilioConfig());
      const result = await registry.sendTestMessage({ channel: 'sms', phone: '+49 151 23456789', text: 'Hello from Twilio' });
      expect(result).toEqual({ ok: true, providerMessageId: twilio.messages[0]?.sid, message: 'Test message sent by SMS to +4915123456789.' });
      expect(twilio.messages[0]).toMatchObject({ to: '+4915123456789', body: 'Hello from Twilio' });
    });

    it('through Twilio: a refusal is a readable answer, not an error', async () => {
      await registry.configureSmsProvider(twilioConfig());
      twilio.unsubscribe('+4915123456789');
      const result = await registry.sendTestMessage({ channel: 'sms', phone: '+4915123456789', text: 'Hi' });
      expect(result).toEqual({ ok: false, providerMessageId: null, message: expect.stringMatching(/^Not sent by SMS to \+4915123456789: .*replied STOP/) as unknown });
      // The technician's detail is logged (and, as every test checks, without a secret).
      expect(logged.some((line) => line.startsWith('A test message was not sent') && line.includes('21610'))).toBe(true);
    });

    it('through the HTTP template', async () => {
      await registry.configureSmsProvider(httpConfig());
      expect(await registry.sendTestMessage({ channel: 'sms', phone: '+4915123456789', text: 'Via template' })).toEqual({
        ok: true,
        providerMessageId: 'gw-1',
        message: 'Test message sent by SMS to +4915123456789.',
      });
      expect(http.requests[0]?.headers['x-api-key']).toBe(API_KEY);
    });

    it('through WhatsApp', async () => {
      const result = await registry.sendTestMessage({ channel: 'whatsapp', phone: '+4915123456789', text: 'On WhatsApp' });
      expect(result).toMatchObject({ ok: true, message: 'Test message sent on WhatsApp to +4915123456789.' });
      expect(whatsapp.sent.map((s) => [s.message.to, s.message.text, s.message.media])).toEqual([['+4915123456789', 'On WhatsApp', null]]);
      expect(result.providerMessageId).toBe(`p-${whatsapp.sent[0]?.message.deliveryKey ?? ''}`);

      whatsapp.answer({ ok: false, error: { kind: 'permanent', code: 'not-on-whatsapp', reason: 'This number is not on WhatsApp.' } });
      expect(await registry.sendTestMessage({ channel: 'whatsapp', phone: '+4915123456789', text: 'Again' })).toEqual({
        ok: false,
        providerMessageId: null,
        message: 'Not sent on WhatsApp to +4915123456789: This number is not on WhatsApp.',
      });
      // A fresh key every time.
      expect(new Set(whatsapp.calls.map((c) => c.message.deliveryKey)).size).toBe(2);
    });

    it('without an SMS provider: says so', async () => {
      expect(await registry.sendTestMessage({ channel: 'sms', phone: '+4915123456789', text: 'Hi' })).toEqual({
        ok: false,
        providerMessageId: null,
        message: 'Not sent: The SMS gateway is not set up yet (Settings → Channels).',
      });
    });

    it('refuses a number that cannot be used, on the phone field', async () => {
      await registry.configureSmsProvider(smsGateConfig());
      await expect(registry.sendTestMessage({ channel: 'sms', phone: '0151 23', text: 'Hi' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'phone' });
      expect(gate.messages.size).toBe(0);
    });
  });
});
