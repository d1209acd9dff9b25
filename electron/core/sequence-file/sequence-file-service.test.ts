import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { SEQUENCE_FILE_BYTES_MAX } from '../../../shared/contract';
import { MEDIA_DIR_NAME } from '../app';
import { createHarness, type Harness } from '../services/test-harness';
import { SEQUENCE_FILE_FORMAT } from './manifest';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('a tiny picture')]);
const PDF = Buffer.from('%PDF-1.4\n% the brochure\n');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function zipOf(entries: Record<string, Buffer | string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

const manifestWith = (messages: unknown[], overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    format: SEQUENCE_FILE_FORMAT,
    version: 1,
    exportedAt: '2026-11-02T09:00:00.000Z',
    appVersion: '0.0.0-test',
    sequence: { name: 'Imported', description: '', active: true, channel: null, smsFallback: false, stopOnReply: false },
    messages,
    ...overrides,
  });

const textMessage = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Hello',
  body: 'Hi {{first_name}}',
  delayAmount: 0,
  delayUnit: 'minutes',
  sendAt: null,
  enabled: true,
  media: null,
  ...overrides,
});

describe('sequence files: export and import', () => {
  let source: Harness;
  let target: Harness;

  beforeEach(() => {
    source = createHarness();
    target = createHarness();
  });

  afterEach(() => {
    source.cleanup();
    target.cleanup();
  });

  async function buildSequence(): Promise<number> {
    const sequence = await source.call('sequences.create', { name: 'Car enquiry', description: 'For new leads', channel: 'sms', stopOnReply: true });
    const picture = await source.call('media.add', { fileName: 'car.png', dataBase64: PNG.toString('base64') });
    const brochure = await source.call('media.add', { fileName: 'brochure.pdf', dataBase64: PDF.toString('base64') });
    await source.call('messages.create', { sequenceId: sequence.id, name: 'Welcome', body: 'Hi {{name|there}}!', delayAmount: 0, delayUnit: 'minutes', mediaId: picture.id });
    await source.call('messages.create', { sequenceId: sequence.id, name: 'Brochure', body: 'Our brochure', delayAmount: 2, delayUnit: 'hours', mediaId: brochure.id });
    const off = await source.call('messages.create', { sequenceId: sequence.id, name: 'Off for now', body: 'Later', delayAmount: 1, delayUnit: 'days', sendAt: '09:30', enabled: false });
    await source.call('messages.create', { sequenceId: sequence.id, name: 'Brochure again', body: 'In case you missed it', delayAmount: 7, delayUnit: 'days', sendAt: '10:00', mediaId: brochure.id });
    // Order as the owner left it: the disabled one last.
    const detail = await source.call('sequences.get', { id: sequence.id });
    const ids = detail.messages.map((m) => m.id).filter((id) => id !== off.id);
    await source.call('messages.reorder', { sequenceId: sequence.id, orderedIds: [...ids, off.id] });
    return sequence.id;
  }

  it('round-trips a sequence with its messages, order, timings, enabled flags and attachments into another data folder', async () => {
    const id = await buildSequence();
    const file = await source.call('sequences.export', { id });
    expect(file.fileName).toBe('Car enquiry.sequence.zip');
    expect(file.sizeBytes).toBe(Buffer.from(file.dataBase64, 'base64').length);

    const imported = await target.call('sequences.import', { fileName: file.fileName, dataBase64: file.dataBase64 });
    expect(imported.renamedFrom).toBeNull();
    expect(imported.sequence).toMatchObject({ name: 'Car enquiry', description: 'For new leads', channel: 'sms', stopOnReply: true, active: true, subscriberCount: 0, sentCount: 0 });

    const before = await source.call('sequences.get', { id });
    const after = await target.call('sequences.get', { id: imported.sequence.id });
    const shape = (detail: typeof before): unknown =>
      detail.messages.map((m) => ({
        position: m.position,
        name: m.name,
        body: m.body,
        delayAmount: m.delayAmount,
        delayUnit: m.delayUnit,
        sendAt: m.sendAt,
        enabled: m.enabled,
        media: m.media && { fileName: m.media.fileName, mimeType: m.media.mimeType, sha256: m.media.sha256, sizeBytes: m.media.sizeBytes },
      }));
    expect(shape(after)).toEqual(shape(before));
    expect(after.messages.map((m) => m.name)).toEqual(['Welcome', 'Brochure', 'Brochure again', 'Off for now']);
    // One media row for the brochure both messages use, and its bytes in the target's media folder.
    expect(after.messages[1]?.media?.id).toBe(after.messages[2]?.media?.id);
    const files = readdirSync(path.join(target.dataDir, MEDIA_DIR_NAME)).sort();
    expect(files).toEqual([`${sha256(PDF)}.pdf`, `${sha256(PNG)}.png`].sort());
    expect(readFileSync(path.join(target.dataDir, MEDIA_DIR_NAME, `${sha256(PDF)}.pdf`))).toEqual(PDF);
  });

  it('names an imported sequence like duplicate does when the name is taken', async () => {
    const id = await buildSequence();
    const file = await source.call('sequences.export', { id });
    const first = await source.call('sequences.import', { fileName: file.fileName, dataBase64: file.dataBase64 });
    const second = await source.call('sequences.import', { fileName: file.fileName, dataBase64: file.dataBase64 });
    expect([first.sequence.name, first.renamedFrom]).toEqual(['Car enquiry (imported)', 'Car enquiry']);
    expect(second.sequence.name).toBe('Car enquiry (imported 2)');
  });

  describe('refuses a bad file with a clear reason and writes nothing', () => {
    async function expectRefused(data: Buffer | string, code: string, message: RegExp): Promise<void> {
      const mediaBefore = readdirSync(path.join(target.dataDir, MEDIA_DIR_NAME));
      const dataBase64 = Buffer.isBuffer(data) ? data.toString('base64') : data;
      await expect(target.call('sequences.import', { fileName: 'some.sequence.zip', dataBase64 })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await target.call('sequences.list', {})).toEqual([]);
      expect(readdirSync(path.join(target.dataDir, MEDIA_DIR_NAME))).toEqual(mediaBefore);
    }

    it('not a zip', async () => {
      await expectRefused(Buffer.from('just some text, not a zip file at all'), 'VALIDATION', /not a sequence file \(it could not be read as a zip file\)/);
    });

    it('not base64', async () => {
      await expectRefused('@@@@', 'VALIDATION', /not valid base64/);
    });

    it('a zip without a manifest, or with someone else’s', async () => {
      await expectRefused(await zipOf({ 'media/1.png': PNG }), 'VALIDATION', /has no manifest\.json/);
      await expectRefused(await zipOf({ 'manifest.json': JSON.stringify({ format: 'other', version: 1 }) }), 'VALIDATION', /not a sequence file exported by Sequence Automation/);
      await expectRefused(await zipOf({ 'manifest.json': '{ not json' }), 'VALIDATION', /not valid JSON/);
    });

    it('a newer version', async () => {
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([textMessage()], { version: 2 }) }), 'VALIDATION', /made by a newer version/);
    });

    it('a field out of bounds, with the message it is in', async () => {
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([textMessage(), textMessage({ delayAmount: -1 })]) }), 'VALIDATION', /message 2 \(delayAmount\): Delay cannot be negative/);
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([textMessage({ extra: 1 })]) }), 'VALIDATION', /message 1/);
    });

    it('an entry name that climbs out of the folder, or one it should not hold', async () => {
      const zip = await zipOf({ 'manifest.json': manifestWith([textMessage()]), 'media/1.png': PNG });
      // yazl refuses to write such a name, so it is patched into the archive (same length; names are not checksummed).
      const traversal = Buffer.from(zip.toString('latin1').replaceAll('media/1.png', '../evil.png'), 'latin1');
      await expectRefused(traversal, 'VALIDATION', /holds a file name that points outside it/);
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([textMessage()]), 'run.exe': 'MZ' }), 'VALIDATION', /holds a file it should not: “run\.exe”/);
    });

    it('a file over the size limit', async () => {
      await expectRefused(Buffer.alloc(SEQUENCE_FILE_BYTES_MAX + 1), 'TOO_LARGE', /at most 17 MB/);
    });

    it('a zip bomb: an entry that unpacks to more than a sequence can hold', async () => {
      const bomb = await zipOf({ 'manifest.json': manifestWith([textMessage()]), 'media/1.png': Buffer.alloc(17 * 1024 * 1024) });
      expect(bomb.length).toBeLessThan(100_000);
      await expectRefused(bomb, 'VALIDATION', /unpacks to more than/);
    });

    it('an attachment that is not a sendable type, is missing, or does not match its checksum', async () => {
      const exe = Buffer.from('MZ\x90\x00 definitely a program');
      const ref = (file: string, bytes: Buffer, fileName = 'brochure.pdf'): Record<string, unknown> => textMessage({ media: { file, fileName, sha256: sha256(bytes) } });
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([ref('media/1.pdf', exe)]), 'media/1.pdf': exe }), 'VALIDATION', /not a file type that can be sent/);
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([ref('media/1.pdf', PDF)]) }), 'VALIDATION', /attachment of message 1 \(“Hello”\) is missing/);
      await expectRefused(await zipOf({ 'manifest.json': manifestWith([ref('media/1.pdf', PNG)]), 'media/1.pdf': PDF }), 'VALIDATION', /does not match its checksum/);
    });
  });
});
