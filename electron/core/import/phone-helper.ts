/**
 * The second core for an import's phone checks (DESIGN.md §7: 100,000 contacts well within budget).
 *
 * Normalising a phone number with libphonenumber costs about 8 µs, most of a second for 100,000
 * rows, and writing the contacts costs twice that, all on one core while the other idles. So the
 * CSV worker starts this helper thread at once (it loads libphonenumber's metadata while the file
 * is being parsed), hands it the raw phone cells of every row, and writes the contacts of one
 * chunk of rows while the helper checks the next (run-import.ts).
 *
 * The import itself stays one synchronous function in one transaction, so taking the answers is
 * synchronous too: the helper posts them chunk by chunk on a MessagePort and counts the rows
 * answered in a SharedArrayBuffer; the worker reads the port with receiveMessageOnPort. It never
 * waits: a row the helper has not reached yet (it is still starting, or the worker caught up with
 * it) the worker checks itself, which slows the worker down until the helper is ahead again. And
 * whatever goes wrong in the helper (it failed to start, it threw), the worker checks the rest of
 * the numbers itself: the helper can make an import faster, never different or broken.
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
  /** Int32Array over it: [rows answered so far, 1 once the helper gave up]. */
  progress: SharedArrayBuffer;
}

type ToHelper = { raws: string[] };
type FromHelper = { from: number; results: PhoneResult[] } | { error: string };

const ANSWERED = 0;
const FAILED = 1;
/** Rows per message: small enough that answers reach the worker soon, large enough that posting costs nothing. */
const HELPER_CHUNK_ROWS = 1000;


/** The worker's side: give the helper every number, then take its answers in file order. */
export interface PhoneHelper {
  check(raws: string[]): void;
  /**
   * The answer for raws[index], or null when the helper has none yet or cannot give it (check it
   * yourself). `waitMs`: how long to wait for it first (the import never waits: 0).
   */
  answer(index: number, waitMs?: number): PhoneResult | null;
  close(): void;
}

export function startPhoneHelper(workerFile: string, defaultCountry: string): PhoneHelper {
  const channel = new MessageChannel();
  const progress = new SharedArrayBuffer(8);
  const counters = new Int32Array(progress);
  const data: PhoneHelperData = { kind: 'phone-helper', defaultCountry, port: channel.port2, progress };
  let worker: Worker | null = new Worker(workerFile, { workerData: data, transferList: [channel.port2] });
  // A helper that dies is not the import's failure: `answer` then says null.
  worker.on('error', () => giveUp(counters));
  const answers: PhoneResult[] = [];
  let asked = 0;
  let gaveUp = false;

  /** Reads what the helper has posted so far; false once it failed or broke the protocol. */
  const drain = (): boolean => {
    for (let received = receiveMessageOnPort(channel.port1); received !== undefined; received = receiveMessageOnPort(channel.port1)) {
      const message = received.message as FromHelper;
      if (!('results' in message) || message.from !== answers.length) return false;
      answers.push(...message.results);
    }
    return true;
  };

  return {
    check(raws) {
      asked = raws.length;
      channel.port1.postMessage({ raws } satisfies ToHelper);
    },
    answer(index, waitMs = 0) {
      if (index < answers.length) return answers[index] ?? null;
      if (gaveUp || index >= asked) return null;
      while (answers.length <= index) {
        const answered = Atomics.load(counters, ANSWERED);
        // The count is raised after each post: whatever it covers is already on the port.
        if (answered > answers.length) {
          if (!drain()) gaveUp = true;
        } else if (Atomics.load(counters, FAILED) === 1) {
          gaveUp = true;
        } else if (waitMs === 0 || Atomics.wait(counters, ANSWERED, answered, waitMs) === 'timed-out') {
          // Not checked yet: the worker checks this one itself rather than wait (the helper is
          // still starting, or the worker caught up with it), and takes the helper's answers again
          // once they are ahead of it.
          return null;
        }
        if (gaveUp) return null;
      }
      return answers[index] ?? null;
    },
    close() {
      channel.port1.close();
      void worker?.terminate();
      worker = null;
    },
  };
}

/** The helper thread's side: answer one batch, a chunk at a time, then end. */
export function runPhoneHelper(data: PhoneHelperData): void {
  const counters = new Int32Array(data.progress);
  data.port.once('message', (message: ToHelper) => {
    try {
      for (let from = 0; from < message.raws.length; from += HELPER_CHUNK_ROWS) {
        const results = message.raws.slice(from, from + HELPER_CHUNK_ROWS).map((raw) => tryNormalizePhone(raw, data.defaultCountry));
        data.port.postMessage({ from, results } satisfies FromHelper);
        Atomics.store(counters, ANSWERED, from + results.length);
        Atomics.notify(counters, ANSWERED);
      }
    } catch (error) {
      data.port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies FromHelper);
      giveUp(counters);
    }
    data.port.close();
  });
}

function giveUp(counters: Int32Array): void {
  Atomics.store(counters, FAILED, 1);
  // Wakes a worker waiting for the next chunk: it then checks the rest itself.
  Atomics.notify(counters, ANSWERED);
}

/**
 * The normaliser the import uses while it walks the rows in file order: the helper's answer for
 * the row's cell when it has one, else checked here. `at(index)` says which row comes next.
 */
export function helpedNormaliser(helper: PhoneHelper, raws: readonly string[], defaultCountry: string): NormalisePhone & { at(index: number): void } {
  let current = -1;
  const normalise = (raw: string): PhoneResult => {
    // The cell asked about is the one handed to the helper for this row (the same string).
    const answer = raws[current] === raw ? helper.answer(current) : null;
    return answer ?? tryNormalizePhone(raw, defaultCountry);
  };
  return Object.assign(normalise, {
    at(index: number) {
      current = index;
    },
  });
}
