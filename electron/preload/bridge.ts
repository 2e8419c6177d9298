/**
 * The preload's logic, kept free of `electron` so vitest can drive it: given an ipcRenderer, build the one
 * object the page gets (`window.reviewApi`). Nothing else crosses the bridge: no ipcRenderer, no generic
 * send/invoke, no event object (it carries `sender`, i.e. the ipcRenderer itself).
 *
 * Channels are checked against the contract's allow-list before anything is sent (Element Desktop's
 * pattern); main validates again, so this is defence in depth and a fast, clear error for a typo.
 */
import { isChannel, type UiEvent } from '../../shared/contract.ts';
import { EVENT_CHANNEL, RPC_CHANNEL, type RpcReply } from '../ipc-channels.ts';

/** The slice of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** What the page sees as `window.reviewApi`; renderer/src/bridge/electron.ts wraps it into a ReviewApi. */
export interface PreloadReviewApi {
  call(channel: string, request: unknown): Promise<RpcReply>;
  subscribe(listener: (event: UiEvent) => void): () => void;
}

export function createPreloadApi(ipc: IpcRendererLike): PreloadReviewApi {
  return {
    async call(channel, request) {
      if (!isChannel(channel)) {
        return { ok: false, error: { code: 'unknown-channel', message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}: not in the contract` } };
      }
      return (await ipc.invoke(RPC_CHANNEL, channel, request)) as RpcReply;
    },
    subscribe(listener) {
      if (typeof listener !== 'function') throw new TypeError('reviewApi.subscribe needs a function');
      // Pass the payload only: the IPC event object must not reach the page.
      const onEvent = (_event: unknown, payload: unknown) => listener(payload as UiEvent);
      ipc.on(EVENT_CHANNEL, onEvent);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipc.removeListener(EVENT_CHANNEL, onEvent);
      };
    },
  };
}
