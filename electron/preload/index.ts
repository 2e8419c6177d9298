/**
 * Sandboxed preload (built to out/preload/index.cjs: a sandboxed preload cannot be an ES module and may only
 * require 'electron'; everything else is bundled in). Exposes exactly one object, `window.reviewApi`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './bridge.ts';

const api = createPreloadApi(ipcRenderer);

contextBridge.exposeInMainWorld('reviewApi', {
  call: (channel: string, request: unknown) => api.call(channel, request),
  subscribe: (listener: Parameters<typeof api.subscribe>[0]) => api.subscribe(listener),
});
