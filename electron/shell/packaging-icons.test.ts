/**
 * The icons scripts/generate-icons.mjs made (committed): every size each installer and the tray
 * need, checked in the files' own headers — PNG IHDR, ICO directory entries, ICNS chunks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRAY_STATES } from './tray-status';

const resources = fileURLToPath(new URL('../../resources/', import.meta.url));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(data: Buffer): { width: number; height: number } {
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE) || data.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

const pngFileSize = (file: string) => pngSize(fs.readFileSync(path.join(resources, file)));

/** Image sizes in an .ico: 6-byte ICONDIR, then 16-byte entries (width/height 0 mean 256). */
function icoSizes(data: Buffer): number[] {
  if (data.readUInt16LE(0) !== 0 || data.readUInt16LE(2) !== 1) throw new Error('not an ICO');
  const count = data.readUInt16LE(4);
  const sizes: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const entry = 6 + i * 16;
    const width = data.readUInt8(entry) || 256;
    const height = data.readUInt8(entry + 1) || 256;
    expect(height).toBe(width);
    const bytes = data.readUInt32LE(entry + 8);
    const offset = data.readUInt32LE(entry + 12);
    expect(offset + bytes).toBeLessThanOrEqual(data.length);
    const image = data.subarray(offset, offset + bytes);
    // PNG chunks carry their own size; bitmap chunks a BITMAPINFOHEADER (height doubled for the mask).
    if (image.subarray(0, 8).equals(PNG_SIGNATURE)) expect(pngSize(image)).toEqual({ width, height });
    else expect([image.readInt32LE(4), image.readInt32LE(8)]).toEqual([width, height * 2]);
    sizes.push(width);
  }
  return sizes;
}

/** PNG-encoded image sizes in an .icns: 'icns' + length, then chunks of type, length, data. */
function icnsPngSizes(data: Buffer): number[] {
  if (data.toString('latin1', 0, 4) !== 'icns' || data.readUInt32BE(4) !== data.length) throw new Error('not an ICNS');
  const sizes: number[] = [];
  for (let offset = 8; offset < data.length; ) {
    const length = data.readUInt32BE(offset + 4);
    const body = data.subarray(offset + 8, offset + length);
    if (body.subarray(0, 8).equals(PNG_SIGNATURE)) {
      const { width, height } = pngSize(body);
      expect(height).toBe(width);
      sizes.push(width);
    }
    offset += length;
  }
  return sizes.sort((a, b) => a - b);
}

describe('app icons', () => {
  it('has the Linux icon set, 16 … 1024 px, each file the size its name says', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngFileSize(`icons/${size}x${size}.png`), `${size}x${size}.png`).toEqual({ width: size, height: size });
    }
  });

  it('has a 1024 px icon.png for the window and the dmg', () => {
    expect(pngFileSize('icon.png')).toEqual({ width: 1024, height: 1024 });
  });

  it('has an icon.ico with every size Windows shows, up to 256 px', () => {
    expect(icoSizes(fs.readFileSync(path.join(resources, 'icon.ico'))).sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 64, 72, 96, 128, 256]);
  });

  it('has an icon.icns with the Retina sizes up to 1024 px', () => {
    // 16 and 32 px also appear as is32/il32 bitmaps; 256 and 512 appear twice (1x and @2x of the size below).
    expect(icnsPngSizes(fs.readFileSync(path.join(resources, 'icon.icns')))).toEqual([32, 64, 128, 256, 256, 512, 512, 1024]);
  });
});

describe('tray images', () => {
  it('has one image per tray state, 16 px with @1.5x, @2x and @3x variants', () => {
    for (const state of TRAY_STATES) {
      expect(pngFileSize(`tray/${state}.png`), state).toEqual({ width: 16, height: 16 });
      for (const [suffix, size] of [['@1.5x', 24], ['@2x', 32], ['@3x', 48]] as const) {
        expect(pngFileSize(`tray/${state}${suffix}.png`), `${state}${suffix}`).toEqual({ width: size, height: size });
      }
    }
  });
});
