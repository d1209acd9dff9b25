import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, resourcesDir } from './app-paths';

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

describe('resourcesDir', () => {
  it('is the project’s resources/ under npm start, and the copy beside app.asar when installed', () => {
    const project = path.join(path.sep, 'src', 'app');
    const installed = path.join(path.sep, 'opt', 'Sequence Automation', 'resources');
    expect(resourcesDir({ isPackaged: false, appPath: project, resourcesPath: '/electron' })).toBe(path.join(project, 'resources'));
    expect(resourcesDir({ isPackaged: true, appPath: path.join(installed, 'app.asar'), resourcesPath: installed })).toBe(path.join(installed, 'resources'));
  });
});
