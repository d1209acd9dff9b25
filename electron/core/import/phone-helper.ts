/**
 * The second core for an import's phone checks (DESIGN.md §7: 100,000 contacts well within budget).
 *
 * Normalising a phone number with libphonenumber costs about 10 µs, a second for 100,000 rows: the
 * largest share of an import after the writes, and all of it on one core while the other idles.
 * The CSV worker starts this helper thread at once (it loads libphonenumber's metadata while the
 * file is being parsed), hands it the raw phone cells of the second half of the rows, checks the
 * first half itself, and then takes the helper's answers.
 *
 * The import itself stays one synchronous function in one transaction (run-import.ts), so taking
 * the answers is synchronous too: the helper posts them on a MessagePort and raises a flag in a
 * SharedArrayBuffer; the worker blocks on the flag (Atomics.wait, bounded) and reads the port with
 * receiveMessageOnPort. Whatever goes wrong in the helper (it failed to start, it threw, it took
 * too long), the worker checks those numbers itself: the helper can make an import faster, never
 * different or broken.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { tryNormalizePhone } from '../services/phone';
import type { NormalisePhone } from './import-rows';

type PhoneResult = ReturnType<NormalisePhone>;

/** What the CSV worker passes to the helper thread (same bundle, told apart by `kind`). */
export interface PhoneHelperData {
  kind: 'phone-helper';
  defaultCountry: string;
  port: MessagePort;
  /** Int32Array over it; element 0 becomes 1 once the answers (or an error) are on the port. */
  done: SharedArrayBuffer;
}

type ToHelper = { raws: string[] };
type FromHelper = { results: PhoneResult[] } | { error: string };

/** The worker's side: give the helper numbers, later take its answers. */
export interface PhoneHelper {
  check(raws: string[]): void;
  /** The answers by raw cell, or null when the helper could not give them (check them yourself). */
  take(timeoutMs?: number): Map<string, PhoneResult> | null;
  close(): void;
}

const TAKE_TIMEOUT_MS = 30_000;

export function startPhoneHelper(workerFile: string, defaultCountry: string): PhoneHelper {
  const channel = new MessageChannel();
  const done = new SharedArrayBuffer(4);
  const flag = new Int32Array(done);
  const data: PhoneHelperData = { kind: 'phone-helper', defaultCountry, port: channel.port2, done };
  let worker: Worker | null = new Worker(workerFile, { workerData: data, transferList: [channel.port2] });
  // A helper that dies is not the import's failure: `take` then answers null.
  worker.on('error', () => {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  let asked: string[] = [];

  return {
    check(raws) {
      asked = raws;
      channel.port1.postMessage({ raws } satisfies ToHelper);
    },
    take(timeoutMs = TAKE_TIMEOUT_MS) {
      if (asked.length === 0) return new Map();
      if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') return null;
      const received = receiveMessageOnPort(channel.port1);
      const message = received?.message as FromHelper | undefined;
      if (message === undefined || !('results' in message) || message.results.length !== asked.length) return null;
      const answers = new Map<string, PhoneResult>();
      asked.forEach((raw, index) => {
        const result = message.results[index];
        if (result !== undefined) answers.set(raw, result);
      });
      return answers;
    },
    close() {
      channel.port1.close();
      void worker?.terminate();
      worker = null;
    },
  };
}

/** The helper thread's side: answer one batch, then end. */
export function runPhoneHelper(data: PhoneHelperData): void {
  const flag = new Int32Array(data.done);
  data.port.once('message', (message: ToHelper) => {
    let answer: FromHelper;
    try {
      answer = { results: message.raws.map((raw) => tryNormalizePhone(raw, data.defaultCountry)) };
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    data.port.postMessage(answer);
    // Raised after the post: once the worker sees the flag, the message is on its port.
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    data.port.close();
  });
}

/**
 * The normaliser the import uses: the helper's answer for a raw cell it was given, else checked
 * here. The first time a cell from the helper's share comes up, the answers are taken (blocking
 * until the helper is done, which it usually already is).
 */
export function sharedNormaliser(helper: PhoneHelper, helperShare: ReadonlySet<string>, defaultCountry: string): NormalisePhone {
  let answers: Map<string, PhoneResult> | null | undefined;
  return (raw) => {
    if (answers === undefined && helperShare.has(raw)) answers = helper.take();
    return answers?.get(raw) ?? tryNormalizePhone(raw, defaultCountry);
  };
}
