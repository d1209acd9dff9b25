/**
 * The only bridge between the sandboxed renderer and the main process: `window.api` with exactly
 * `call(method, input)` and `on(event, listener)` (see shell/preload-api.ts). Nothing else is
 * exposed, and `ipcRenderer` itself never crosses the bridge.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './shell/preload-api';

contextBridge.exposeInMainWorld('api', createPreloadApi(ipcRenderer));
