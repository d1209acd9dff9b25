import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/contract';
import { openCoreApp } from '../app';
import { silentLogger } from '../logger';
import { makeTempDir } from '../store/test-store';
import { createHarness, type Harness } from './test-harness';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('media.add', () => {
  let h: Harness;
  let mediaDir: string;
  beforeEach(() => {
    h = createHarness();
    mediaDir = path.join(h.dataDir, 'media');
  });
  afterEach(() => h.cleanup());

  const files = (): string[] => fs.readdirSync(mediaDir).sort();
  const expectNothingStored = async () => {
    expect(files()).toEqual([]);
    expect(h.changes).toEqual([]);
    // No media row either: a message cannot attach id 1.
    const seq = await h.call('sequences.create', { name: `check ${Math.random()}` });
    await expect(
      h.call('messages.create', { sequenceId: seq.id, name: 'm', body: '', mediaId: 1, delayAmount: 0, delayUnit: 'minutes' }),
    ).rejects.toMatchObject({ field: 'mediaId' });
  };

  it('copies the file into the data folder under its hash and describes it', async () => {
    const media = await h.call('media.add', { fileName: 'Shop front.jpg', dataBase64: JPEG.toString('base64') });
    expect(media).toEqual({
      id: media.id,
      fileName: 'Shop front.jpg',
      mimeType: 'image/jpeg',
      kind: 'image',
      sizeBytes: JPEG.length,
      sha256: sha(JPEG),
      createdAt: h.clock.ms,
    });
    expect(files()).toEqual([`${sha(JPEG)}.jpg`]);
    expect(fs.readFileSync(path.join(mediaDir, `${sha(JPEG)}.jpg`))).toEqual(JPEG);
    expect(h.changes).toEqual([['media']]);
  });

  it('returns the existing row for the same content, whatever its name', async () => {
    const first = await h.call('media.add', { fileName: 'a.jpg', dataBase64: JPEG.toString('base64') });
    const again = await h.call('media.add', { fileName: 'b.jpeg', dataBase64: JPEG.toString('base64') });
    expect(again).toEqual(first);
    expect(files()).toHaveLength(1);
    expect(h.changes).toEqual([['media']]);
  });

  it('writes the file again if it went missing from the folder', async () => {
    await h.call('media.add', { fileName: 'a.jpg', dataBase64: JPEG.toString('base64') });
    fs.rmSync(path.join(mediaDir, `${sha(JPEG)}.jpg`));
    await h.call('media.add', { fileName: 'a.jpg', dataBase64: JPEG.toString('base64') });
    expect(fs.readFileSync(path.join(mediaDir, `${sha(JPEG)}.jpg`))).toEqual(JPEG);
  });

  it('never uses the caller’s path: the name is only a display name', async () => {
    const media = await h.call('media.add', { fileName: '../../outside.jpg', dataBase64: JPEG.toString('base64') });
    expect(media.fileName).toBe('outside.jpg');
    expect(fs.existsSync(path.join(h.dataDir, '..', 'outside.jpg'))).toBe(false);
    expect(files()).toEqual([`${sha(JPEG)}.jpg`]);
  });

  it.each([
    ['with characters outside base64', '!!!!'],
    ['in the URL-safe alphabet', Buffer.from([0xfb, 0xff, 0xbf]).toString('base64url')],
    ['without its padding', 'QUJDRA'],
    ['with whitespace', `${JPEG.toString('base64').slice(0, 8)}\n${JPEG.toString('base64').slice(8)}`],
  ])('rejects content %s and stores nothing', async (_label, dataBase64) => {
    await expect(h.call('media.add', { fileName: 'a.jpg', dataBase64 })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'dataBase64',
    });
    await expectNothingStored();
  });

  it('rejects an empty file', async () => {
    await expect(h.app.handlers['media.add']({ fileName: 'a.jpg', dataBase64: '' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'The file is empty.',
    });
    await expectNothingStored();
  });

  it('rejects a file over 16 MB with TOO_LARGE', async () => {
    const big = Buffer.alloc(LIMITS.mediaBytesMax + 1);
    JPEG.copy(big);
    await expect(h.call('media.add', { fileName: 'big.jpg', dataBase64: big.toString('base64') })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: 'Files can be at most 16 MB',
    });
    await expectNothingStored();
  });

  it('rejects a file type that cannot be sent, even with an allowed name', async () => {
    const program = Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1');
    await expect(h.call('media.add', { fileName: 'offer.pdf', dataBase64: program.toString('base64') })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining("This file type can't be sent"),
    });
    await expectNothingStored();
  });
});

describe('media folder on start-up', () => {
  it('removes unfinished uploads left by a crash and keeps stored files', () => {
    const temp = makeTempDir();
    try {
      const mediaDir = path.join(temp.dir, 'media');
      fs.mkdirSync(mediaDir);
      fs.writeFileSync(path.join(mediaDir, '.incoming-1234'), 'half a file');
      fs.writeFileSync(path.join(mediaDir, `${'f'.repeat(64)}.png`), 'kept');
      const app = openCoreApp({ dataDir: temp.dir, shell: 'headless', version: 't', logger: silentLogger });
      app.close();
      expect(fs.readdirSync(mediaDir)).toEqual([`${'f'.repeat(64)}.png`]);
    } finally {
      temp.cleanup();
    }
  });
});
