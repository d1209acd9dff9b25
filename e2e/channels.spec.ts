/**
 * Issue 8 as a shop owner sees it: the shop's WhatsApp linked from the app (a simulated WhatsApp
 * Web on 127.0.0.1 stands in for WhatsApp, selected by the test-only `--fake-whatsapp` flag), an
 * SMS gateway set up and tried, and customers who write in: a signed SMSGate webhook subscribes a
 * new customer to two sequences, the first messages go out, and STOP opts them out.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { startFakeSmsGate, type FakeSmsGate } from '../electron/core/channels/sms/fake-smsgate-server';
import { startFakeWhatsAppServer, type FakeWhatsAppServer } from '../electron/core/channels/whatsapp/fake-whatsapp-server';
import { expect, screenshotPath, test, type HeadlessApp } from './fixtures';
import { ChannelsPage, InboxPage } from './pages/channels-page';

const SIGNING_KEY = 'shop-signing-key-2026';

interface Settings {
  sending: { window: { quietHours: unknown }; pacing: { minGapSeconds: number; maxGapSeconds: number; dailyCap: number | null } };
}

/** Sending at any hour, without gaps: what the test waits for goes out at once. */
async function sendRightAway(app: HeadlessApp): Promise<void> {
  const settings = await app.value<Settings>('settings.get', {});
  await app.value('settings.update', {
    sending: { ...settings.sending, window: { ...settings.sending.window, quietHours: null }, pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: null } },
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** POSTs an SMSGate `sms:received` webhook, signed as the SMSGate app signs it (HMAC-SHA256 over body + timestamp). */
async function smsReceived(url: string, event: { id: string; from: string; text: string }, key = SIGNING_KEY): Promise<number> {
  const body = JSON.stringify({
    id: event.id,
    webhookId: 'seqa-sms-received',
    deviceId: 'phone-1',
    event: 'sms:received',
    payload: { messageId: `m-${event.id}`, message: event.text, sender: event.from, recipient: '+4930123456', simNumber: 1, receivedAt: new Date().toISOString() },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key).update(body).update(timestamp).digest('hex');
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': timestamp } });
  return response.status;
}

test.describe('channels', () => {
  let whatsapp: FakeWhatsAppServer | null = null;
  let gate: FakeSmsGate | null = null;
  test.afterEach(async () => {
    await whatsapp?.close();
    await gate?.close();
    whatsapp = null;
    gate = null;
  });

  test('links the shop’s WhatsApp with the QR code shown in the app, then sends a test message', async ({ app, page }) => {
    whatsapp = await startFakeWhatsAppServer();
    await app.restart({ args: ['--fake-whatsapp', whatsapp.url], env: { SEQA_ALLOW_FAKE_WHATSAPP: '1' } });
    await app.open(page, '#/settings/channels');
    const channels = new ChannelsPage(page);

    await channels.linkWhatsApp();
    await whatsapp.waitFor('qr');
    const qr = channels.whatsapp().getByTestId('whatsapp-qr');
    await expect(qr).toBeVisible();
    await expect(channels.whatsapp().getByTestId('whatsapp-instructions')).toContainText('Linked devices');
    await page.screenshot({ path: screenshotPath('channels-whatsapp-qr') });

    whatsapp.sim.scan();
    await expect(channels.whatsapp().getByTestId('whatsapp-account-phone')).toContainText('4915100000000');
    await expect(channels.whatsapp().getByTestId('whatsapp-account-name')).toHaveText('Test Shop');
    await expect(qr).toHaveCount(0);
    await expect(page.getByTestId('engine-whatsapp')).toContainText(/ready|linked|connected/i);

    whatsapp.sim.register('+4915122223333');
    const result = await channels.sendTestMessage('whatsapp', '+49 151 22223333', 'Hello from the shop');
    await expect(result).toContainText(/sent/i);
    expect(whatsapp.sim.sent.map((message) => message.text)).toEqual(['Hello from the shop']);
    await channels.whatsapp().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('channels-whatsapp-linked') });
  });

  test('sets up SMSGate and sends a test message through it', async ({ app, page }) => {
    gate = await startFakeSmsGate({ username: 'shop', password: 'gate-pass' });
    await app.open(page, '#/settings/channels');
    const channels = new ChannelsPage(page);

    await channels.configureSmsGate(gate.baseUrl, 'shop', 'gate-pass');
    // The password is never shown again, only that one is saved.
    await expect(channels.sms().getByTestId('sms-password')).toHaveValue('');
    const result = await channels.sendTestMessage('sms', '+49 151 44445555', 'Test from the shop');
    await expect(result).toContainText(/sent/i);
    const sent = [...gate.messages.values()];
    expect(sent.map((message) => [message.phoneNumbers, message.text])).toEqual([[['+4915144445555'], 'Test from the shop']]);
    const saved = await app.value<Record<string, unknown>>('channels.getSmsProvider', {});
    expect(saved).toMatchObject({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: true });
    expect(JSON.stringify(saved)).not.toContain('gate-pass');
    await channels.sms().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('channels-sms') });
  });

  test('a signed inbound SMS subscribes a new customer to two sequences, the first messages go out, and STOP opts them out', async ({ app, page }) => {
    gate = await startFakeSmsGate({ username: 'shop', password: 'gate-pass' });
    await app.value('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'gate-pass' } });
    await sendRightAway(app);
    const sequences: Array<{ id: number; name: string }> = [];
    for (const name of ['Car enquiry', 'Service reminders']) {
      const sequence = await app.value<{ id: number; name: string }>('sequences.create', { name, channel: 'sms' });
      await app.value('messages.create', { sequenceId: sequence.id, name: 'Welcome', body: `${name}: hello {{name|there}}!`, delayAmount: 0, delayUnit: 'minutes' });
      sequences.push(sequence);
    }

    // Settings → Sequence Auto Subscription, as the owner does it.
    await app.open(page, '#/settings/auto-subscription');
    const channels = new ChannelsPage(page);
    await channels.chooseAutoSubscription(sequences.map((s) => s.id));
    const inbound = (await app.value<{ inbound: { autoSubscribeSequenceIds: number[] } }>('settings.get', {})).inbound;
    expect([...inbound.autoSubscribeSequenceIds].sort()).toEqual(sequences.map((s) => s.id).sort());

    const port = await freePort();
    const receiver = await app.value<{ state: string; urls: { smsgate: string | null } }>('inbound.configureReceiver', {
      config: { enabled: true, host: '127.0.0.1', port, path: '/webhooks', publicUrl: null, smsGateSigningKey: SIGNING_KEY },
    });
    expect(receiver.state).toBe('listening');
    const webhook = `http://127.0.0.1:${port}/webhooks/smsgate`;

    // Not signed with the shop's key: refused, nothing written.
    expect(await smsReceived(webhook, { id: 'evt-forged', from: '+4915166667777', text: 'Hi' }, 'not-the-key')).toBe(401);

    expect(await smsReceived(webhook, { id: 'evt-1', from: '+4915166667777', text: 'Hello, is the blue Golf still for sale?' })).toBe(200);
    // The gateway retries a webhook it got no answer for: the same event does nothing twice.
    expect(await smsReceived(webhook, { id: 'evt-1', from: '+4915166667777', text: 'Hello, is the blue Golf still for sale?' })).toBe(200);

    const toCustomer = () => [...(gate?.messages.values() ?? [])].filter((m) => m.phoneNumbers.includes('+4915166667777')).map((m) => m.text);
    await expect.poll(toCustomer, { timeout: 20_000 }).toEqual(expect.arrayContaining(['Car enquiry: hello there!', 'Service reminders: hello there!']));

    await app.open(page, '#/inbox');
    const inbox = new InboxPage(page);
    const first = inbox.row('blue Golf');
    await expect(first).toHaveCount(1);
    await expect(inbox.actionsOf(first).filter({ hasText: 'Car enquiry' })).toHaveCount(1);
    await expect(inbox.actionsOf(first).filter({ hasText: 'Service reminders' })).toHaveCount(1);

    expect(await smsReceived(webhook, { id: 'evt-2', from: '+4915166667777', text: ' stop ' })).toBe(200);
    const stopped = inbox.row('stop');
    await expect(inbox.actionsOf(stopped).filter({ hasText: /opted out/i })).toHaveCount(1);
    await expect.poll(() => toCustomer().length, { timeout: 20_000 }).toBe(3);
    expect(toCustomer()[2]).toMatch(/not get any more messages/);
    await expect(stopped).toContainText(/confirmation sent/i);
    await expect(inbox.rows()).toHaveCount(2);
    await page.screenshot({ path: screenshotPath('inbox') });

    // Opted out: added again by hand is refused, and the reason says why.
    const again = await app.api('subscribers.add', { sequenceId: sequences[0]?.id, phone: '+4915166667777' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(again.body)).toMatch(/STOP/);
    expect(toCustomer()).toHaveLength(3);
  });
});
