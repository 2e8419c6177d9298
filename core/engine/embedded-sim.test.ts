/**
 * Issue 9, finding 7: a connection the embedded simulator dropped was reported with a real server's advice ("the
 * server may have crashed or restarted … see its log"); the embedded simulator has no log of its own. Now the
 * error says what the simulator did.
 */
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../backends/index.ts';
import { startSimServer } from '../backends/sim/index.ts';
import { BackendError } from '../backends/types.ts';
import { explainEmbeddedSimErrors } from './embedded-sim.ts';

describe('errors from the embedded simulator', () => {
  it('say it was shut down with the request in flight, not "see its log"', async () => {
    let faulted!: () => void;
    const hanging = new Promise<void>((resolve) => (faulted = resolve));
    const sim = await startSimServer({ kind: 'vllm-omni', faults: { timeout: 1 }, timeScale: 0.002, onEvent: (e) => e.type === 'fault' && faulted() });
    const adapter = explainEmbeddedSimErrors(createAdapter('vllm-omni', sim.url), sim);
    try {
      await adapter.connect({ healthDeadlineMs: 120_000 });
      const sent = adapter.send({ prompt: 'p', seed: 1, steps: 1, size: '256x256', images: [] }, { signal: new AbortController().signal, timeoutMs: 120_000 }).catch((e: unknown) => e);
      await hanging; // the request is in and held open by the "timeout" fault
      await sim.close();
      const error = await sent;
      expect(error).toBeInstanceOf(BackendError);
      const message = (error as BackendError).message;
      expect(message).not.toMatch(/see its log|may have crashed/);
      expect(message).toMatch(/This is the embedded simulator, running inside this process: it was shut down with the request still in flight/);
      expect((error as BackendError).kind).toBe('network');
    } finally {
      adapter.close?.();
      await sim.close();
    }
  });

  it('leave other errors alone', async () => {
    const original = new BackendError('POST x failed with HTTP 503: busy.', { kind: 'http', httpStatus: 503, retryable: true });
    const adapter = explainEmbeddedSimErrors(
      { kind: 'vllm-omni', baseUrl: 'http://x', connect: () => Promise.reject(new Error('unused')), send: () => Promise.reject(original) },
      { lastDrop: () => 'never' },
    );
    await expect(adapter.send({ prompt: 'p', seed: 1, steps: 1, size: '256x256', images: [] }, { signal: new AbortController().signal, timeoutMs: 1000 })).rejects.toBe(original);
  });
});
