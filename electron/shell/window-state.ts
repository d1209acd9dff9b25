/**
 * The main window opens where the owner left it: its normal (un-maximized) bounds and whether it
 * was maximized, kept in `<userData>/window-state.json`.
 *
 * Screens change between runs (a laptop undocked, a monitor unplugged), so the remembered place is
 * checked against the displays present now: a window that would not be clearly visible on any of
 * them (less than MIN_VISIBLE px of it inside a work area) is moved onto the primary display, and
 * one larger than the display it lands on is shrunk to fit.
 */
import path from 'node:path';
import type { Rectangle } from 'electron';
import { z } from 'zod';
import type { Logger } from '../core/logger';
import type { ShellDisplay } from './electron-api';
import { readJsonFile, writeJsonFile } from './json-file';

export const WINDOW_STATE_FILE_NAME = 'window-state.json';
export const DEFAULT_WINDOW_SIZE = { width: 1200, height: 800 };
export const MIN_WINDOW_SIZE = { width: 900, height: 600 };
/** How much of the window (each way) must be on a screen to count as visible. */
export const MIN_VISIBLE = 100;

const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);

const WindowStateSchema = z.object({
  bounds: z.object({ x: coordinate, y: coordinate, width: length, height: length }),
  maximized: z.boolean(),
});

export type WindowState = z.infer<typeof WindowStateSchema>;

/** Where to open: a position only when one was remembered and fits the screens now. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Where the window opens given what was remembered and the displays now. The first display is the
 * primary one (Electron lists it first).
 */
export function placeWindow(saved: WindowState | null, displays: readonly ShellDisplay[]): WindowPlacement {
  if (saved === null) return { ...DEFAULT_WINDOW_SIZE, maximized: false };
  const { bounds, maximized } = saved;
  const home = displays.find((display) => {
    const shared = overlap(bounds, display.workArea);
    return shared.width >= Math.min(MIN_VISIBLE, bounds.width) && shared.height >= Math.min(MIN_VISIBLE, bounds.height);
  });
  const area = (home ?? displays[0])?.workArea;
  if (area === undefined) return { width: bounds.width, height: bounds.height, maximized };
  const width = Math.max(Math.min(bounds.width, area.width), Math.min(MIN_WINDOW_SIZE.width, area.width));
  const height = Math.max(Math.min(bounds.height, area.height), Math.min(MIN_WINDOW_SIZE.height, area.height));
  if (home === undefined) {
    // Off every screen: centred on the primary display.
    return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height, maximized };
  }
  // Visible: keep the place, pulled in so the whole (possibly shrunk) window is on that display.
  const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
  return { x, y, width, height, maximized };
}

export class WindowStateStore {
  private readonly file: string;

  constructor(userDataDir: string, private readonly logger: Logger) {
    this.file = path.join(userDataDir, WINDOW_STATE_FILE_NAME);
  }

  load(): WindowState | null {
    return readJsonFile<WindowState | null>(this.file, WindowStateSchema, null, this.logger);
  }

  save(state: WindowState): void {
    const parsed = WindowStateSchema.safeParse(state);
    // A minimised or not yet laid-out window can report nonsense bounds: keep the last good ones.
    if (!parsed.success) return;
    try {
      writeJsonFile(this.file, parsed.data);
    } catch (error) {
      this.logger.warn('Could not remember the window position', { file: this.file, error: String(error) });
    }
  }
}
