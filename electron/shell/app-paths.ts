import path from 'node:path';

export interface AppPaths {
  /** The bundled preload (dist-electron/preload.js). */
  preload: string;
  /** The built renderer folder (dist/renderer). */
  rendererDir: string;
  rendererIndex: string;
}

/**
 * Where the shells find their files at run time. `bundleDir` is the folder of the running bundle,
 * dist-electron/ (esbuild puts main.js, preload.js and headless.js there), so the renderer built
 * by vite sits at ../dist/renderer — also inside app.asar once packaged.
 */
export function appPaths(bundleDir: string): AppPaths {
  const rendererDir = path.join(bundleDir, '..', 'dist', 'renderer');
  return {
    preload: path.join(bundleDir, 'preload.js'),
    rendererDir,
    rendererIndex: path.join(rendererDir, 'index.html'),
  };
}

/**
 * The folder of the tray images and the window icon: the project's resources/ under `npm start`;
 * in an installed app, the copy electron-builder puts beside app.asar (extraResources), since the
 * OS reads tray images from real files.
 */
export function resourcesDir(context: { isPackaged: boolean; appPath: string; resourcesPath: string }): string {
  return context.isPackaged ? path.join(context.resourcesPath, 'resources') : path.join(context.appPath, 'resources');
}
