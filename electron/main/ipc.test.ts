import { describe, expect, it } from 'vitest';
import type { UiEvent } from '../../shared/contract.ts';
import { createDispatcher, RpcError, type Dispatcher, type Handlers } from '../../core/rpc.ts';
import { EVENT_CHANNEL, RPC_CHANNEL, type RpcReply } from '../ipc-channels.ts';
import { forwardEvents, handleRpc, registerRpcHandler, type EventTarget, type IpcMainLike } from './ipc.ts';
import type { SenderEventLike } from './security.ts';

const APP_EVENT: SenderEventLike = { sender: { id: 1 }, senderFrame: { url: 'omni://app/index.html', parent: null } };
const trusted = { has: (id: number) => id === 1 };

/** The real dispatcher (contract validation included) over two channels; the others are never called here. */
function realDispatcher(): Dispatcher {
  const handlers = {
    'app:get-info': async () => ({ version: '0.1.0', workspace: '/tmp/ws', mode: 'electron' as const }),
    'runs:get': async ({ runId }: { runId: string }) => {
      throw new RpcError('not-found', `no run ${runId}`);
    },
    'settings:get': async () => {
      throw new Error('settings file is corrupt');
    },
  };
  return createDispatcher(handlers as unknown as Handlers);
}

describe('handleRpc', () => {
  it('dispatches a call from the app window and wraps the value', async () => {
    const reply = await handleRpc({ getDispatcher: realDispatcher, trusted }, APP_EVENT, 'app:get-info', {});
    expect(reply).toEqual({ ok: true, value: { version: '0.1.0', workspace: '/tmp/ws', mode: 'electron' } });
  });

  it('returns the error body for a request the contract rejects', async () => {
    const reply = await handleRpc({ getDispatcher: realDispatcher, trusted }, APP_EVENT, 'runs:get', { runId: '' });
    expect(reply.ok).toBe(false);
    expect(reply.ok ? null : reply.error.code).toBe('bad-request');
    expect(reply.ok ? '' : reply.error.message).toContain('runId');
  });

  it('returns the error body for unknown channels, handler errors and unexpected exceptions', async () => {
    const options = { getDispatcher: realDispatcher, trusted };
    expect(await handleRpc(options, APP_EVENT, 'fs:read-file', { path: '/etc/passwd' })).toEqual({
      ok: false,
      error: { code: 'unknown-channel', message: 'unknown channel "fs:read-file"' },
    });
    expect(await handleRpc(options, APP_EVENT, 'runs:get', { runId: 'r1' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no run r1' } });
    expect(await handleRpc(options, APP_EVENT, 'settings:get', {})).toEqual({ ok: false, error: { code: 'failed', message: 'settings file is corrupt' } });
  });

  it('refuses untrusted senders before the dispatcher is even asked for', async () => {
    let asked = 0;
    const logs: string[] = [];
    const options = {
      getDispatcher: () => {
        asked += 1;
        return realDispatcher();
      },
      trusted,
      log: (m: string) => logs.push(m),
    };
    const foreign: SenderEventLike = { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } };
    const reply = await handleRpc(options, foreign, 'app:get-info', {});
    expect(reply).toEqual({ ok: false, error: { code: 'failed', message: 'request refused: not sent by the app window' } });
    expect(await handleRpc(options, { ...APP_EVENT, sender: { id: 9 } }, 'app:get-info', {})).toMatchObject({ ok: false });
    expect(asked).toBe(0);
    expect(logs[0]).toContain('https://evil.example/');
  });

  it('waits for an engine that is still starting', async () => {
    let release: (d: Dispatcher) => void = () => {};
    const starting = new Promise<Dispatcher>((resolve) => (release = resolve));
    const pending = handleRpc({ getDispatcher: () => starting, trusted }, APP_EVENT, 'app:get-info', {});
    release(realDispatcher());
    expect(await pending).toMatchObject({ ok: true });
  });

  it('says why when the engine is not running', async () => {
    const reply = await handleRpc({ getDispatcher: () => null, trusted, unavailableReason: () => 'The engine could not start: disk full' }, APP_EVENT, 'app:get-info', {});
    expect(reply).toEqual({ ok: false, error: { code: 'failed', message: 'The engine could not start: disk full' } });
  });
});

describe('registerRpcHandler', () => {
  it('installs one handler on the rpc channel and removes it again', async () => {
    const handlers = new Map<string, (event: SenderEventLike, ...args: unknown[]) => Promise<RpcReply>>();
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => handlers.set(channel, listener),
      removeHandler: (channel) => handlers.delete(channel),
    };
    const remove = registerRpcHandler(ipcMain, { getDispatcher: realDispatcher, trusted });
    expect([...handlers.keys()]).toEqual([RPC_CHANNEL]);
    expect(await handlers.get(RPC_CHANNEL)!(APP_EVENT, 'app:get-info', {})).toMatchObject({ ok: true });
    remove();
    expect(handlers.size).toBe(0);
  });
});

describe('forwardEvents', () => {
  const event: UiEvent = { type: 'pairs-changed', runId: 'r1', pairKeys: ['c1/t1/r1'] };

  function target(url: string, destroyed = false, fail = false) {
    const sent: unknown[][] = [];
    const t: EventTarget = {
      isDestroyed: () => destroyed,
      getURL: () => url,
      send: (...args) => {
        if (fail) throw new Error('render frame was disposed');
        sent.push(args);
      },
    };
    return { t, sent };
  }

  it('pushes each event to live app windows only, and unsubscribes', () => {
    let listener: ((e: UiEvent) => void) | null = null;
    const subscribe = (l: (e: UiEvent) => void) => {
      listener = l;
      return () => (listener = null);
    };
    const app = target('omni://app/index.html');
    const foreign = target('https://evil.example/');
    const dead = target('omni://app/index.html', true);
    const broken = target('omni://app/index.html', false, true);
    const after = target('omni://app/index.html');
    const logs: string[] = [];
    const stop = forwardEvents(subscribe, () => [broken.t, app.t, foreign.t, dead.t, after.t], (m) => logs.push(m));
    listener!(event);
    expect(app.sent).toEqual([[EVENT_CHANNEL, event]]);
    expect(after.sent).toEqual([[EVENT_CHANNEL, event]]);
    expect(foreign.sent).toEqual([]);
    expect(dead.sent).toEqual([]);
    expect(logs[0]).toContain('render frame was disposed');
    stop();
    expect(listener).toBeNull();
  });
});
