/**
 * Sleeping, queueing and shutting down. Every timer a simulator starts goes through a Lifecycle, so close() can
 * end them all at once; every wait can also be cut short by the client going away.
 */

/** Thrown into pending work when the simulator closes. */
export class SimClosedError extends Error {
  constructor() {
    super('the simulator was closed');
    this.name = 'SimClosedError';
  }
}

/** Thrown into pending work when the client closed its connection. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGoneError';
  }
}

interface PendingSleep {
  timer: NodeJS.Timeout;
  reject: (err: Error) => void;
}

export class Lifecycle {
  #closed = false;
  readonly #sleeps = new Set<PendingSleep>();

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves after `ms`; rejects with SimClosedError on close() or ClientGoneError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new SimClosedError());
    if (signal?.aborted) return Promise.reject(new ClientGoneError());
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry: PendingSleep = {
        timer: setTimeout(() => {
          this.#sleeps.delete(entry);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms),
        reject: (err) => {
          clearTimeout(entry.timer);
          this.#sleeps.delete(entry);
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = (): void => entry.reject(new ClientGoneError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleeps.add(entry);
    });
  }

  /** Throws if the simulator closed or the client left: call between pieces of real work. */
  check(signal?: AbortSignal): void {
    if (this.#closed) throw new SimClosedError();
    if (signal?.aborted) throw new ClientGoneError();
  }

  close(): void {
    this.#closed = true;
    for (const entry of [...this.#sleeps]) entry.reject(new SimClosedError());
  }
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * One request at a time, first come first served: the baseline server's single worker thread (and the 0.12-era
 * vLLM-Omni engine, which ran on a one-thread executor).
 */
export class FifoGate {
  #busy = false;
  #closedWith: Error | undefined;
  readonly #waiters: Waiter[] = [];

  /** Waits for the turn; the returned function releases it (call it exactly once). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    if (signal?.aborted) return Promise.reject(new ClientGoneError());
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          // A client that gave up while queued leaves the queue: the worker never sees it.
          const i = this.#waiters.indexOf(waiter);
          if (i !== -1) this.#waiters.splice(i, 1);
          reject(new ClientGoneError());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  get queued(): number {
    return this.#waiters.length;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) {
        next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve(this.#releaser());
      } else {
        this.#busy = false;
      }
    };
  }

  /** Shutdown: reject every queued waiter and every later acquire. The current holder keeps its turn until it releases. */
  close(err: Error): void {
    this.#closedWith = err;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(err);
    }
  }
}

/**
 * Run one stage: do the real work, then sleep the rest of the modelled duration. Returns the work's value and the
 * milliseconds actually spent, which is what the servers report (so reported stages add up to what a client sees).
 */
export async function timedStage<T>(
  life: Lifecycle,
  targetMs: number,
  signal: AbortSignal | undefined,
  work?: () => Promise<T> | T,
): Promise<{ value: T | undefined; ms: number; modelMs: number }> {
  const t0 = performance.now();
  const value = work ? await work() : undefined;
  life.check(signal);
  const remaining = targetMs - (performance.now() - t0);
  if (remaining > 0.05) await life.sleep(remaining, signal);
  // `ms` is what it took here (longer on a busy host); `modelMs` the timing model's figure, which the sims report.
  return { value, ms: performance.now() - t0, modelMs: targetMs };
}
