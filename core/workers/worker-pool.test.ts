import { describe, expect, it } from 'vitest';
import type { EchoData, EchoMessage, EchoTask } from './test-fixtures/echo-worker.ts';
import { createWorkerPool, type WorkerPool } from './worker-pool.ts';

const ECHO_WORKER = new URL('./test-fixtures/echo-worker.ts', import.meta.url);

interface Echo {
  value: number;
  threadId: number;
}

function echoPool(
  size: number,
  start: EchoData['start'] = 'ready',
  fatalStart = false,
  idleReleaseMs?: number,
): { pool: WorkerPool<EchoTask, Echo>; starts: () => number } {
  const starts = new Int32Array(new SharedArrayBuffer(4));
  const data: EchoData = { starts, start };
  const pool = createWorkerPool<EchoTask, Echo, EchoMessage>({
    size,
    workerUrl: ECHO_WORKER,
    name: 'worker-pool-test',
    workerData: data,
    request: (id, task) => ({ id, task }),
    interpret: (message) => {
      if (message.type === 'ready') return message;
      if (message.type === 'unavailable') return { type: 'fatal', error: new Error(`unavailable: ${message.why}`) };
      return message.error === undefined
        ? { type: 'done', id: message.id, result: { value: message.value as number, threadId: message.threadId } }
        : { type: 'failed', id: message.id, message: message.error };
    },
    crashError: (task, reason) => new Error(`crashed on ${task.value}: ${reason}`),
    startError: (reason) => new Error(`could not start: ${reason}`),
    startFailureIsFatal: fatalStart,
    closedMessage: 'the test pool is closed',
    ...(idleReleaseMs !== undefined ? { idleReleaseMs } : {}),
  });
  return { pool, starts: () => Atomics.load(starts, 0) };
}

describe('createWorkerPool', () => {
  it('starts no worker before work arrives, then at most `size`, and answers every task', async () => {
    const { pool, starts } = echoPool(2);
    try {
      expect(starts()).toBe(0);
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((value) => pool.run({ value, mode: 'slow' })));
      expect(results.map((r) => r.value)).toEqual([2, 4, 6, 8, 10, 12]);
      expect(new Set(results.map((r) => r.threadId)).size).toBeLessThanOrEqual(2);
      expect(starts()).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('rejects a task the worker answers with an error, and the same worker serves the next one', async () => {
    const { pool, starts } = echoPool(1);
    try {
      await expect(pool.run({ value: 3, mode: 'fail' })).rejects.toThrow('cannot do 3');
      await expect(pool.run({ value: 4 })).resolves.toMatchObject({ value: 8 });
      expect(starts()).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('rejects only the task of a worker that dies mid-task, and a new worker takes its place', async () => {
    const { pool, starts } = echoPool(1);
    try {
      const first = await pool.run({ value: 1 });
      const crashed = pool.run({ value: 2, mode: 'exit' });
      const after = pool.run({ value: 5 });
      await expect(crashed).rejects.toThrow('crashed on 2: exited with code 7');
      const next = await after;
      expect(next.value).toBe(10);
      expect(next.threadId).not.toBe(first.threadId);
      await expect(pool.run({ value: 6, mode: 'throw' })).rejects.toThrow('crashed on 6: simulated worker bug');
      await expect(pool.run({ value: 7 })).resolves.toMatchObject({ value: 14 });
      expect(starts()).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('fails queued tasks with the start error when no worker becomes ready, without respawning in a loop', async () => {
    const { pool, starts } = echoPool(1, 'exit');
    const results = await Promise.allSettled([pool.run({ value: 1 }), pool.run({ value: 2 }), pool.ready()]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/could not start: exited with code 3/);
    }
    expect(starts()).toBe(1);
    // Not fatal: the next task tries again (one more start), and fails the same way.
    await expect(pool.run({ value: 3 })).rejects.toThrow(/could not start/);
    expect(starts()).toBe(2);
    expect(pool.failure).toBeNull();
    await pool.close();
    expect(starts()).toBe(2);
  });

  it('starts no more than `size` workers for queued tasks when none can start', async () => {
    const { pool, starts } = echoPool(2, 'exit');
    const results = await Promise.allSettled([1, 2, 3, 4].map((value) => pool.run({ value })));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await pool.close();
    expect(starts()).toBeLessThanOrEqual(2);
  });

  it('with startFailureIsFatal, a start failure fails the pool for good', async () => {
    const { pool, starts } = echoPool(1, 'exit', true);
    const error = await pool.run({ value: 1 }).catch((err: unknown) => err);
    expect(String(error)).toMatch(/could not start/);
    expect(pool.failure).toBe(error);
    await expect(pool.run({ value: 2 })).rejects.toBe(error);
    await expect(pool.ready()).rejects.toBe(error);
    expect(starts()).toBe(1);
    await pool.close();
  });

  it("turns a worker's fatal message into one error for every waiting and later call", async () => {
    const { pool, starts } = echoPool(1, 'unavailable');
    const ready = pool.ready().catch((err: unknown) => err);
    const queued = pool.run({ value: 1 }).catch((err: unknown) => err);
    const error = await ready;
    expect(String(error)).toBe('Error: unavailable: no engine here');
    expect(await queued).toBe(error);
    await expect(pool.run({ value: 2 })).rejects.toBe(error);
    expect(starts()).toBe(1);
    await pool.close();
  });

  it('ready() starts one worker and resolves once it is ready', async () => {
    const { pool, starts } = echoPool(2);
    await pool.ready();
    expect(starts()).toBe(1);
    await pool.ready();
    expect(starts()).toBe(1);
    await pool.close();
  });

  it('close() finishes queued and running tasks, waits for the workers to exit, then refuses new work', async () => {
    const { pool } = echoPool(1);
    const order: string[] = [];
    const tasks = [1, 2, 3].map((value) => pool.run({ value, mode: 'slow' }).then((r) => order.push(`task ${r.value}`)));
    const closing = pool.close().then(() => order.push('closed'));
    await Promise.all([...tasks, closing]);
    expect(order).toEqual(['task 2', 'task 4', 'task 6', 'closed']);
    await pool.close();
    await expect(pool.run({ value: 1 })).rejects.toThrow('the test pool is closed');
  });

  it('close() on a pool that never worked returns at once, and rejects ready() callers still waiting', async () => {
    await echoPool(1).pool.close();
    const { pool } = echoPool(1);
    const waiting = pool.ready().catch((err: unknown) => err);
    await pool.close();
    expect(String(await waiting)).toMatch(/the test pool is closed/);
  });

  it('with idleReleaseMs, stops a worker left idle, and the next task starts a fresh one', async () => {
    const { pool, starts } = echoPool(1, 'ready', false, 20);
    try {
      const first = await pool.run({ value: 1 });
      expect(pool.liveWorkers).toBe(1);
      await until(() => pool.liveWorkers === 0);
      const second = await pool.run({ value: 2 });
      expect(second.value).toBe(4);
      expect(second.threadId).not.toBe(first.threadId);
      expect(starts()).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('with idleReleaseMs, keeps a worker that has work queued, however long the tasks take', async () => {
    // Each 'slow' task takes 50 ms, longer than the release delay, and the queue never empties between them.
    const { pool, starts } = echoPool(1, 'ready', false, 10);
    try {
      const results = await Promise.all([1, 2, 3, 4].map((value) => pool.run({ value, mode: 'slow' })));
      expect(results.map((r) => r.value)).toEqual([2, 4, 6, 8]);
      expect(new Set(results.map((r) => r.threadId)).size).toBe(1);
      expect(starts()).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('with idleReleaseMs 0, a task that arrives while the idle worker is being stopped is still answered', async () => {
    const { pool, starts } = echoPool(1, 'ready', false, 0);
    try {
      for (let value = 1; value <= 6; value++) {
        await expect(pool.run({ value })).resolves.toMatchObject({ value: value * 2 });
        // Odd rounds: the next task comes before the release timer fires (setImmediate runs first); even rounds:
        // after it (a timer set later fires later), while the released worker is still exiting.
        await new Promise((resolve) => (value % 2 === 1 ? setImmediate(resolve) : setTimeout(resolve, 1)));
      }
      expect(starts()).toBeGreaterThan(1);
    } finally {
      await pool.close();
    }
    expect(pool.liveWorkers).toBe(0);
  });

  it('refuses an idleReleaseMs that is not a non-negative number', () => {
    expect(() => echoPool(1, 'ready', false, -1)).toThrow(RangeError);
    expect(() => echoPool(1, 'ready', false, Number.NaN)).toThrow(RangeError);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => echoPool(0)).toThrow(/positive integer/);
  });
});

/** Bounded polling: resolves once `condition` holds, fails after 5 s of 10 ms checks. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met after 500 checks');
}
