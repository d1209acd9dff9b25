import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths } from './app-paths';

describe('appPaths', () => {
  it('finds the preload beside the bundle and the renderer built by vite next to it', () => {
    const bundleDir = path.join(path.sep, 'app', 'dist-electron');
    expect(appPaths(bundleDir)).toEqual({
      preload: path.join(path.sep, 'app', 'dist-electron', 'preload.js'),
      rendererDir: path.join(path.sep, 'app', 'dist', 'renderer'),
      rendererIndex: path.join(path.sep, 'app', 'dist', 'renderer', 'index.html'),
    });
  });
});
