import { describe, expect, it } from 'vitest';
import type { UiEvent } from '../../../shared/contract.ts';
import { createElectronApi, isRawBridge, type RawBridge } from './electron.ts';
import { bridgeKindFor, pickBridge } from './index.ts';

function raw(answer: (channel: string, request: unknown) => unknown): RawBridge & { listeners: Array<(e: UiEvent) => void> } {
  const listeners: Array<(e: UiEvent) => void> = [];
  return {
    listeners,
    call: async (channel, request) => answer(channel, request) as never,
    subscribe: (l) => {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
  };
}

describe('createElectronApi', () => {
  it('unwraps values and rebuilds errors from the preload\'s result objects', async () => {
    const api = createElectronApi(
      raw((channel) =>
        channel === 'runs:list'
          ? { ok: true, value: [] }
          : { ok: false, error: { code: 'not-found', message: 'no run "x"' } },
      ),
    );
    await expect(api.call('runs:list', {})).resolves.toEqual([]);
    await expect(api.call('runs:get', { runId: 'x' })).rejects.toMatchObject({ code: 'not-found', message: 'no run "x"', channel: 'runs:get' });
  });

  it('reports a malformed or thrown answer as a shell problem', async () => {
    await expect(createElectronApi(raw(() => 42)).call('runs:list', {})).rejects.toMatchObject({ code: 'failed', message: /malformed/ });
    const throwing = createElectronApi({ call: () => Promise.reject(new Error('channel closed')), subscribe: () => () => {} });
    await expect(throwing.call('runs:list', {})).rejects.toMatchObject({ code: 'unreachable', message: /channel closed.*restart/ });
  });

  it('passes events through and uses omni:// URLs by id', () => {
    const r = raw(() => null);
    const api = createElectronApi(r);
    const got: UiEvent[] = [];
    const off = api.subscribe((e) => got.push(e));
    r.listeners[0]!({ type: 'pairs-changed', runId: 'r', pairKeys: [] });
    off();
    expect(got).toHaveLength(1);
    expect(r.listeners).toHaveLength(0);
    expect(api.imageUrl('r/1', 'ab')).toBe('omni://img/r%2F1/ab');
    expect(api.fileUrl('r1', 'report.html')).toBe('omni://file/r1/report.html');
  });
});

describe('bridge choice', () => {
  const loc = (search: string) => ({ search, origin: 'http://127.0.0.1:4173' });

  it('prefers the Electron preload, else HTTP to the page\'s own origin; no URL parameter picks a fake engine', async () => {
    expect(bridgeKindFor({ reviewApi: raw(() => null), location: loc('') })).toBe('electron');
    expect(bridgeKindFor({ reviewApi: { call: 1 }, location: loc('') })).toBe('http');
    // The memory bridge is gone: the old parameter now gets the real engine over HTTP like any other page.
    expect(bridgeKindFor({ location: loc('?bridge=memory&pairs=10') })).toBe('http');
    expect(isRawBridge(null)).toBe(false);
    const picked = await pickBridge({ location: loc('?bridge=memory') });
    expect(picked.kind).toBe('http');
    expect(picked.api.imageUrl('r1', 'ab')).toBe('http://127.0.0.1:4173/img/r1/ab');
  });
});
