import { describe, expect, it } from 'vitest';
import { CHANNELS, type UiEvent } from '../../shared/contract.ts';
import { EVENT_CHANNEL, RPC_CHANNEL } from '../ipc-channels.ts';
import { createPreloadApi, type IpcRendererLike } from './bridge.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

/**
 * An ipcRenderer stand-in that records invokes and delivers pushed events like Electron does (no node:events:
 * the preload folder is linted as sandboxed code).
 */
function fakeIpc() {
  const listeners = new Map<string, Listener[]>();
  const invokes: unknown[][] = [];
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      invokes.push(args);
      return { ok: true, value: 'pong' };
    },
    on: (channel, listener) => listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
    removeListener: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)),
  };
  // Electron passes (event, ...args); the event carries `sender`, the ipcRenderer itself.
  const push = (payload: unknown) => {
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener({ sender: ipc, ports: [] }, payload);
  };
  const listenerCount = () => (listeners.get(EVENT_CHANNEL) ?? []).length;
  return { ipc, invokes, push, listenerCount };
}

describe('createPreloadApi', () => {
  it('exposes exactly call and subscribe', () => {
    expect(Object.keys(createPreloadApi(fakeIpc().ipc)).sort()).toEqual(['call', 'subscribe']);
  });

  it('forwards every contract channel on the one rpc channel', async () => {
    const { ipc, invokes } = fakeIpc();
    const api = createPreloadApi(ipc);
    for (const channel of CHANNELS) {
      expect(await api.call(channel, { any: 'request' })).toEqual({ ok: true, value: 'pong' });
    }
    expect(invokes).toEqual(CHANNELS.map((channel) => [RPC_CHANNEL, channel, { any: 'request' }]));
  });

  it.each(['fs:read', 'rpc', '__proto__', 'constructor', 'toString', 'app:get-info ', 42, null])('refuses %s without sending anything', async (channel) => {
    const { ipc, invokes } = fakeIpc();
    const reply = await createPreloadApi(ipc).call(channel as string, {});
    expect(reply.ok).toBe(false);
    expect(reply.ok ? null : reply.error.code).toBe('unknown-channel');
    expect(invokes).toEqual([]);
  });

  it('delivers pushed events without the IPC event object, until unsubscribed', () => {
    const { ipc, push, listenerCount } = fakeIpc();
    const api = createPreloadApi(ipc);
    const received: unknown[][] = [];
    const unsubscribe = api.subscribe((...args: unknown[]) => received.push(args));
    const event: UiEvent = { type: 'pairs-changed', runId: 'r1', pairKeys: ['k'] };
    push(event);
    expect(received).toEqual([[event]]);
    unsubscribe();
    unsubscribe(); // idempotent
    push(event);
    expect(received).toHaveLength(1);
    expect(listenerCount()).toBe(0);
  });

  it('rejects a non-function listener', () => {
    expect(() => createPreloadApi(fakeIpc().ipc).subscribe('x' as unknown as () => void)).toThrow(TypeError);
  });
});
