import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpedNormaliser, startPhoneHelper, type PhoneHelper } from './phone-helper';
import { buildCsvWorker } from './test-worker-build';
import { makeTempDir, type TempDir } from '../store/test-store';

/** A helper whose answers the test decides; `asked` lists the rows the import asked about. */
function scriptedHelper(answers: Record<number, { ok: true; phone: string } | null>): PhoneHelper & { asked: number[] } {
  return {
    asked: [],
    check: () => undefined,
    answer(index) {
      this.asked.push(index);
      return answers[index] ?? null;
    },
    close: () => undefined,
  };
}

describe('helpedNormaliser', () => {
  it("takes the helper's answer for the row being read, and checks the cell itself when the helper has none", () => {
    const raws = ['0151 2000', '0151 12345678'];
    const helper = scriptedHelper({ 0: { ok: true, phone: '+49-from-helper' } });
    const normalise = helpedNormaliser(helper, raws, 'DE');
    normalise.at(0);
    expect(normalise('0151 2000')).toEqual({ ok: true, phone: '+49-from-helper' });
    normalise.at(1);
    expect(normalise('0151 12345678')).toEqual({ ok: true, phone: '+4915112345678' });
    expect(helper.asked).toEqual([0, 1]);
  });

  it('never uses an answer for another cell than the one it is asked about', () => {
    const helper = scriptedHelper({ 0: { ok: true, phone: '+49-wrong-row' } });
    const normalise = helpedNormaliser(helper, ['0151 2000'], 'DE');
    normalise.at(0);
    expect(normalise('123')).toMatchObject({ ok: false });
    expect(helper.asked).toEqual([]);
  });
});

describe('the phone helper thread', () => {
  let temp: TempDir;
  let workerFile: string;
  beforeAll(async () => {
    temp = makeTempDir();
    workerFile = await buildCsvWorker(temp.dir);
  });
  afterAll(() => temp.cleanup());

  it('answers every cell in order, chunk after chunk, as the worker checks them itself', () => {
    const raws = Array.from({ length: 2500 }, (_, i) => (i % 500 === 7 ? 'not a phone' : `0151 ${20_000_000 + i}`));
    const helper = startPhoneHelper(workerFile, 'DE');
    try {
      helper.check(raws);
      // Waiting for each answer here (the import itself never waits: it checks a row itself instead).
      const answers = raws.map((_, i) => helper.answer(i, 10_000));
      expect(answers[0]).toEqual({ ok: true, phone: '+4915120000000' });
      expect(answers[2499]).toEqual({ ok: true, phone: '+4915120002499' });
      expect(answers[7]).toMatchObject({ ok: false });
      expect(answers.filter((answer) => answer?.ok === true)).toHaveLength(2495);
      expect(helper.answer(2500)).toBeNull();
    } finally {
      helper.close();
    }
  });

  it('says at once that it has no answer while the helper thread has none (here: it cannot start), so the import checks the number itself', () => {
    const helper = startPhoneHelper(path.join(temp.dir, 'missing-worker.js'), 'DE');
    try {
      helper.check(['0151 20000001']);
      expect(helper.answer(0)).toBeNull();
    } finally {
      helper.close();
    }
  });
});
