import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { WINDOW_STATE_FILE_NAME, WindowStateStore, placeWindow } from './window-state';

const laptop = { workArea: { x: 0, y: 0, width: 1440, height: 870 } };
const monitorOnTheRight = { workArea: { x: 1440, y: 0, width: 2560, height: 1400 } };

describe('placeWindow', () => {
  it('opens at the default size, centred by the system, the first time', () => {
    expect(placeWindow(null, [laptop])).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('opens where it was, on whichever screen that is', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1300, height: 900 }, maximized: true };
    expect(placeWindow(saved, [laptop, monitorOnTheRight])).toEqual({ x: 1600, y: 100, width: 1300, height: 900, maximized: true });
  });

  it('brings a window back from a screen that is gone, centred on the primary one and shrunk to fit', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1300, height: 900 }, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ x: 70, y: 0, width: 1300, height: 870, maximized: false });
  });

  it('pulls a window mostly off the edge back onto its screen', () => {
    const saved = { bounds: { x: 1300, y: -50, width: 1000, height: 700 }, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ x: 440, y: 0, width: 1000, height: 700, maximized: false });
  });

  it('treats a sliver left on screen as off screen', () => {
    const saved = { bounds: { x: 1400, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(placeWindow(saved, [laptop])).toMatchObject({ x: 220, y: 85 });
  });
});

describe('WindowStateStore', () => {
  let temp: TempDir;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('remembers the bounds and whether the window was maximised', () => {
    const state = { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true };
    new WindowStateStore(temp.dir, silentLogger).save(state);
    expect(new WindowStateStore(temp.dir, silentLogger).load()).toEqual(state);
  });

  it('ignores a damaged or foreign file, and nonsense bounds', () => {
    const file = path.join(temp.dir, WINDOW_STATE_FILE_NAME);
    const store = new WindowStateStore(temp.dir, silentLogger);
    fs.writeFileSync(file, '{"bounds":');
    expect(store.load()).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ bounds: { x: 'left', y: 0, width: 10, height: 10 }, maximized: false }));
    expect(store.load()).toBeNull();
    fs.rmSync(file);
    store.save({ bounds: { x: 0, y: 0, width: 0, height: 0 }, maximized: false });
    expect(fs.existsSync(file)).toBe(false);
  });
});
