// Generates every icon the app and its installers need from the SVG sources in resources/, once;
// the outputs are committed (run again after changing an SVG): `node scripts/generate-icons.mjs`.
//
//   resources/icon.svg        → resources/icons/<n>x<n>.png (16 … 1024; Linux icon set, window icon)
//                               resources/icon.png (1024), icon.ico (Windows), icon.icns (macOS)
//   resources/tray/<state>.svg → resources/tray/<state>.png (16 px) and @1.5x, @2x, @3x variants,
//                               which Electron's nativeImage picks by the display's scale factor
//
// SVG → PNG with resvg (@resvg/resvg-js, a faithful renderer that needs no browser); ICO and ICNS
// with png2icons (pure JS), from the 1024 px rendering. The sizes are checked by
// electron/shell/packaging-icons.test.ts.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

export const APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const TRAY_BASE_SIZE = 16;
/** Electron's scale-factor suffixes (`@1.5x` …) for the tray variants beside the 1x image. */
export const TRAY_SCALES = [1.5, 2, 3];

const resources = fileURLToPath(new URL('../resources/', import.meta.url));

function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

function write(file, data) {
  writeFileSync(file, data);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

function appIcons() {
  const svg = readFileSync(path.join(resources, 'icon.svg'));
  const iconsDir = path.join(resources, 'icons');
  mkdirSync(iconsDir, { recursive: true });
  let largest = null;
  for (const size of APP_ICON_SIZES) {
    const png = render(svg, size);
    write(path.join(iconsDir, `${size}x${size}.png`), png);
    largest = png;
  }
  write(path.join(resources, 'icon.png'), largest);
  // forWinExe: PNG chunks from 64 px up, bitmaps below, as the Windows shell displays best.
  const ico = png2icons.createICO(largest, png2icons.BICUBIC, 0, false, true);
  const icns = png2icons.createICNS(largest, png2icons.BICUBIC, 0);
  if (ico === null || icns === null) throw new Error('png2icons could not convert the 1024 px icon');
  write(path.join(resources, 'icon.ico'), ico);
  write(path.join(resources, 'icon.icns'), icns);
}

function trayIcons() {
  const trayDir = path.join(resources, 'tray');
  for (const name of readdirSync(trayDir).filter((file) => file.endsWith('.svg'))) {
    const state = name.slice(0, -'.svg'.length);
    const svg = readFileSync(path.join(trayDir, name));
    write(path.join(trayDir, `${state}.png`), render(svg, TRAY_BASE_SIZE));
    for (const scale of TRAY_SCALES) {
      write(path.join(trayDir, `${state}@${scale}x.png`), render(svg, TRAY_BASE_SIZE * scale));
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  appIcons();
  trayIcons();
}
