/**
 * TEST SUPPORT — a fake Twilio REST API (2010-04-01) on 127.0.0.1 for the Twilio channel's tests
 * and the registry's. Never used by the app.
 *
 * It speaks what twilio.com/docs documents for the parts the app uses:
 * - Basic auth with the Account SID and auth token (else 401, error 20003); another account's
 *   path → 404 (20404).
 * - `POST /2010-04-01/Accounts/{Sid}/Messages.json`, form-encoded: `To` required (21604) and E.164
 *   (21211); `From` (must be the fake's number, else 21606) or `MessagingServiceSid` (21603 if
 *   neither); `Body` required (21602), at most 1600 characters (21617); a recipient who replied
 *   STOP → 21610. Answers 201 with the Message resource (`sid` SM…, status queued/accepted,
 *   `date_sent` null until the test marks it sent).
 * - `GET …/Messages.json?To=&From=&DateSent>=&PageSize=&Page=` → a page of messages, newest first,
 *   with `next_page_uri`; the DateSent filter, like Twilio's, only matches messages already sent.
 * - `GET /2010-04-01/Accounts/{Sid}.json` → the account, `status` active unless a test changes it.
 * Every error body is Twilio's `{ code, message, more_info, status }`. Tests can make the next
 * requests fail or hang, or have a message accepted and still answered with an error.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: 'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'canceled';
  direction: 'outbound-api' | 'inbound';
  dateCreated: number;
  dateSent: number | null;
  errorCode: number | null;
  errorMessage: string | null;
}

export interface FakeTwilioRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The decoded form of a POST. */
  form: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  authorized: boolean;
}

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** The Twilio number the account owns. */
  phoneNumber?: string;
  /** Twilio's clock, for `date_created` (default Date.now). */
  now?: () => number;
}

export interface FakeTwilio {
  /** Base URL to configure the channel with (the part before /2010-04-01). */
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly phoneNumber: string;
  /** Every message, in creation order. */
  readonly messages: FakeTwilioMessage[];
  readonly requests: FakeTwilioRequest[];
  /** The next `count` requests are answered with this status and Twilio error (or body). */
  failNext(status: number, options?: { count?: number; code?: number; message?: string; body?: unknown; headers?: Record<string, string> }): void;
  /** The next `count` requests are never answered (until close). */
  hangNext(count?: number): void;
  /**
   * The next message is created (it will reach the customer) but the answer is this error status:
   * what a client sees when Twilio's edge fails after the API accepted the message.
   */
  acceptThenFailNext(status: number): void;
  /** The recipient replied STOP to the Twilio number (Twilio then refuses with 21610). */
  unsubscribe(phone: string): void;
  setAccountStatus(status: 'active' | 'suspended' | 'closed'): void;
  /** Adds a message as if created earlier (by another program, or before the app's claim). */
  addMessage(message: Partial<FakeTwilioMessage> & { to: string; body: string; dateCreated: number }): FakeTwilioMessage;
  close(): Promise<void>;
}

type Fault = { kind: 'status'; status: number; body: unknown; headers: Record<string, string> } | { kind: 'hang' } | { kind: 'accept-then-fail'; status: number };

const API = '/2010-04-01';

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'a'.repeat(32)}`;
  const authToken = options.authToken ?? 'fake-auth-token';
  const phoneNumber = options.phoneNumber ?? '+15017122661';
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const messages: FakeTwilioMessage[] = [];
  const requests: FakeTwilioRequest[] = [];
  const faults: Fault[] = [];
  const unsubscribed = new Set<string>();
  let accountStatus: 'active' | 'suspended' | 'closed' = 'active';
  const now = options.now ?? Date.now;

  const errorBody = (status: number, code: number, message: string): unknown => ({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: number, message: string): void => reply(res, status, errorBody(status, code, message));

  const resourceOf = (m: FakeTwilioMessage): unknown => ({
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: new Date(m.dateCreated).toUTCString().replace('GMT', '+0000'),
    date_sent: m.dateSent === null ? null : new Date(m.dateSent).toUTCString().replace('GMT', '+0000'),
    date_updated: new Date(m.dateSent ?? m.dateCreated).toUTCString().replace('GMT', '+0000'),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${API}/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `${API}/Accounts/${accountSid}/Messages/${m.sid}.json`,
  });

  const newMessage = (fields: Partial<FakeTwilioMessage> & { to: string; body: string; dateCreated: number }): FakeTwilioMessage => {
    const message: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      from: phoneNumber,
      messagingServiceSid: null,
      status: 'queued',
      direction: 'outbound-api',
      dateSent: null,
      errorCode: null,
      errorMessage: null,
      ...fields,
    };
    messages.push(message);
    return message;
  };

  const createMessage = (res: ServerResponse, form: URLSearchParams, failWith: number | null): void => {
    const to = form.get('To');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body');
    if (to === null || to === '') return fail(res, 400, 21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return fail(res, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if ((from === null || from === '') && (service === null || service === '')) return fail(res, 400, 21603, "A 'From' phone number is required.");
    if (from !== null && from !== '' && from !== phoneNumber) {
      return fail(res, 400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    }
    if (body === null || body === '') return fail(res, 400, 21602, 'Message body is required.');
    if (body.length > 1600) return fail(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (unsubscribed.has(to)) return fail(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
    const viaService = service !== null && service !== '';
    const message = newMessage({
      to,
      body,
      from: viaService ? null : from,
      messagingServiceSid: viaService ? service : null,
      status: viaService ? 'accepted' : 'queued',
      dateCreated: now(),
    });
    if (failWith !== null) return fail(res, failWith, 20500, 'An internal server error has occurred');
    reply(res, 201, resourceOf(message));
  };

  const listMessages = (res: ServerResponse, path: string, query: URLSearchParams): void => {
    const pageSize = Math.min(Math.max(Number(query.get('PageSize') ?? '50') || 50, 1), 1000);
    const page = Math.max(Number(query.get('Page') ?? '0') || 0, 0);
    const to = query.get('To');
    const from = query.get('From');
    const sentAfter = query.get('DateSent>');
    const sentFrom = sentAfter === null ? null : Date.parse(sentAfter.length === 10 ? `${sentAfter}T00:00:00Z` : sentAfter);
    const matching = messages
      .filter((m) => (to === null || m.to === to) && (from === null || m.from === from))
      .filter((m) => sentFrom === null || (m.dateSent !== null && m.dateSent >= sentFrom))
      .slice()
      .reverse();
    const slice = matching.slice(page * pageSize, (page + 1) * pageSize);
    const pageUri = (n: number): string => {
      const q = new URLSearchParams(query);
      q.set('Page', String(n));
      q.set('PageSize', String(pageSize));
      return `${path}?${q.toString()}`;
    };
    reply(res, 200, {
      end: page * pageSize + slice.length - 1,
      first_page_uri: pageUri(0),
      messages: slice.map(resourceOf),
      next_page_uri: (page + 1) * pageSize < matching.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start: page * pageSize,
      uri: pageUri(page),
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const authorized = req.headers.authorization === expectedAuth;
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(raw) : new URLSearchParams();
    requests.push({ method: req.method ?? '', path, query: url.searchParams, form, contentType: req.headers['content-type'], authorization: req.headers.authorization, authorized });

    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return reply(res, fault.status, fault.body, fault.headers);
    const failWith = fault?.kind === 'accept-then-fail' ? fault.status : null;

    if (!authorized) return fail(res, 401, 20003, 'Authenticate');
    const account = /^\/2010-04-01\/Accounts\/([^/.]+)(\.json|\/Messages\.json)$/.exec(path);
    if (account === null || account[1] !== accountSid) return fail(res, 404, 20404, `The requested resource ${path} was not found`);
    if (account[2] === '.json' && req.method === 'GET') {
      return reply(res, 200, { sid: accountSid, friendly_name: 'Fake shop', status: accountStatus, type: 'Full', owner_account_sid: accountSid });
    }
    if (account[2] === '/Messages.json' && req.method === 'POST') return createMessage(res, form, failWith);
    if (account[2] === '/Messages.json' && req.method === 'GET') return listMessages(res, path, url.searchParams);
    return fail(res, 405, 20004, 'Method not allowed');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    phoneNumber,
    messages,
    requests,
    failNext(status, opts = {}) {
      const body = opts.body ?? errorBody(status, opts.code ?? 20500, opts.message ?? `fake failure ${status}`);
      for (let i = 0; i < (opts.count ?? 1); i++) faults.push({ kind: 'status', status, body, headers: opts.headers ?? {} });
    },
    hangNext(count = 1) {
      for (let i = 0; i < count; i++) faults.push({ kind: 'hang' });
    },
    acceptThenFailNext(status) {
      faults.push({ kind: 'accept-then-fail', status });
    },
    unsubscribe(phone) {
      unsubscribed.add(phone);
    },
    setAccountStatus(status) {
      accountStatus = status;
    },
    addMessage(fields) {
      return newMessage(fields);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      });
    },
  };
}
