import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from './test-store';

describe('MediaRepository', () => {
  let t: TempStore;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  it('stores media and finds it by id and by content hash', () => {
    const { media } = t.store;
    const stored = media.insert({
      sha256: 'd'.repeat(64),
      fileName: 'brochure.pdf',
      mimeType: 'application/pdf',
      kind: 'document',
      extension: 'pdf',
      sizeBytes: 1234,
      createdAt: 99,
    });
    expect(stored.extension).toBe('pdf');
    expect(media.findById(stored.media.id)).toEqual(stored);
    expect(media.findBySha256('d'.repeat(64))).toEqual(stored);
    expect(media.findBySha256('e'.repeat(64))).toBeUndefined();
    expect(media.findById(stored.media.id + 1)).toBeUndefined();
  });
});
