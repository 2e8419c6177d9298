/**
 * One bounded pool of worker threads, shared by the comparison pool (core/compare/pool.ts) and the OCR engine
 * (core/ocr/engine.ts), so work that decodes images or runs models never blocks a run's HTTP traffic, its
 * progress output or the UI. One task per worker at a time; tasks wait in a FIFO queue.
 *
 * The protocol a worker speaks is its user's; `interpret` maps each message to one of: the worker is ready,
 * the task `id` succeeded or failed, or a fatal error for the whole pool (OCR: the engine cannot load here).
 *
 * Failure model:
 * - a task the worker answers with an error → that task rejects with the worker's message (the worker lives on);
 * - a worker that dies mid-task (native crash, uncaught bug, process.exit, resource limits) → that task rejects
 *   with `crashError` and a fresh worker takes the dead one's place for the queue;
 * - a worker that dies before it is ready (bad workerUrl, missing module) → when no other worker is alive,
 *   queued tasks and ready() waiters reject with `startError`; nothing respawns in a loop. With
 *   `startFailureIsFatal` the pool then fails for good (as fail()), otherwise the next run() tries again;
 * - fail(error) → every queued task, ready() waiter and later call rejects with that error; workers stop.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

export type WorkerReply<Result> =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: Result }
  | { type: 'failed'; id: number; message: string }
  | { type: 'fatal'; error: Error };

export interface WorkerPoolOptions<Task, Result, Message> {
  /** Most workers alive at once; started lazily, only while tasks (or ready() callers) wait. */
  size: number;
  workerUrl: URL;
  /** Thread name, shown in profilers and crash reports. */
  name: string;
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  /** The message that hands task `id` to a worker. */
  request(id: number, task: Task): unknown;
  /** What a message from a worker means. */
  interpret(message: Message): WorkerReply<Result>;
  /** The error of a task whose worker died while running it; `reason` is the worker's error or exit code. */
  crashError(task: Task, reason: string): Error;
  /** The error queued tasks get when no worker could start. */
  startError(reason: string): Error;
  /** When no worker could start, fail the pool for good (fail()) instead of letting the next run() try again. */
  startFailureIsFatal?: boolean;
  /** The message of run() and ready() once close() was called. */
  closedMessage: string;
  /**
   * Stop a worker that has been idle, with nothing queued, for this many milliseconds; a later task starts a
   * fresh one. For workers whose memory is worth more than their start-up (OCR: its models' working memory).
   * Default: workers live until close().
   */
  idleReleaseMs?: number;
}

export interface WorkerPool<Task, Result> {
  /** Queue one task; resolves with the worker's result. */
  run(task: Task): Promise<Result>;
  /** Resolves once a worker is ready (starting one if none is); rejects when none can start. */
  ready(): Promise<void>;
  /** Fail the pool for good with `error`: queued tasks, ready() waiters and later calls reject with it. */
  fail(error: Error): void;
  /** The error given to fail(), or null. */
  readonly failure: Error | null;
  /** Workers started and not yet stopped (starting, idle or busy; not those being stopped). */
  readonly liveWorkers: number;
  /** Finish queued tasks, then stop the workers; resolves when every worker has exited. */
  close(): Promise<void>;
}

interface Pending<Task, Result> {
  id: number;
  task: Task;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

interface Slot<Task, Result> {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy';
  current: Pending<Task, Result> | null;
  /** The last 'error' event, reported when the worker exits. */
  lastError: Error | null;
  /** Set when we terminate it ourselves (close, fail, idle release), so its exit is not a crash. */
  retiring: boolean;
  /** Pending idle release (idleReleaseMs), cleared when the worker takes a task. */
  idleTimer: NodeJS.Timeout | null;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export function createWorkerPool<Task, Result, Message>(options: WorkerPoolOptions<Task, Result, Message>): WorkerPool<Task, Result> {
  const { size, workerUrl } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
  const { idleReleaseMs } = options;
  if (idleReleaseMs !== undefined && !(Number.isFinite(idleReleaseMs) && idleReleaseMs >= 0)) {
    throw new RangeError(`idleReleaseMs must be a non-negative number of milliseconds, got ${idleReleaseMs}`);
  }

  const slots = new Set<Slot<Task, Result>>();
  const queue: Pending<Task, Result>[] = [];
  let nextId = 1;
  let failure: Error | null = null;
  let everReady = false;
  let readyWaiters: Waiter[] = [];
  let closing = false;
  let closed: Promise<void> | null = null;
  let finishClose: (() => void) | null = null;

  function spawn(): void {
    const worker = new Worker(workerUrl, {
      name: options.name,
      ...(options.workerData !== undefined ? { workerData: options.workerData } : {}),
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    const slot: Slot<Task, Result> = { worker, state: 'starting', current: null, lastError: null, retiring: false, idleTimer: null };
    slots.add(slot);
    worker.on('message', (message: Message) => onMessage(slot, message));
    worker.on('error', (err) => {
      slot.lastError = err;
    });
    worker.on('exit', (code) => onExit(slot, code));
  }

  function retire(slot: Slot<Task, Result>): void {
    if (slot.retiring) return;
    slot.retiring = true;
    clearIdleTimer(slot);
    void slot.worker.terminate();
  }

  function rejectWaiting(error: Error): void {
    for (const pending of queue.splice(0)) pending.reject(error);
    for (const waiter of readyWaiters) waiter.reject(error);
    readyWaiters = [];
  }

  function fail(error: Error): void {
    failure ??= error;
    rejectWaiting(failure);
    for (const slot of slots) {
      // A retiring worker's exit is not reported as a crash, so its task is settled here.
      slot.current?.reject(failure);
      slot.current = null;
      retire(slot);
    }
    settleClose();
  }

  function onMessage(slot: Slot<Task, Result>, message: Message): void {
    if (slot.retiring) return;
    const reply = options.interpret(message);
    if (reply.type === 'fatal') {
      fail(reply.error);
      return;
    }
    if (reply.type === 'ready') {
      slot.state = 'idle';
      everReady = true;
      for (const waiter of readyWaiters) waiter.resolve();
      readyWaiters = [];
    } else {
      const pending = slot.current;
      slot.current = null;
      slot.state = 'idle';
      if (pending && pending.id === reply.id) {
        if (reply.type === 'done') pending.resolve(reply.result);
        else pending.reject(new Error(reply.message));
      }
    }
    pump();
  }

  function onExit(slot: Slot<Task, Result>, code: number): void {
    slots.delete(slot);
    if (slot.retiring) {
      settleClose();
      // A task queued while an idle worker was being released starts a fresh one now.
      pump();
      return;
    }
    const reason = slot.lastError ? slot.lastError.message : `exited with code ${code}`;
    if (slot.state === 'starting') {
      // It never became ready: almost certainly deterministic (bad URL, syntax error, missing module), so
      // respawning would fail the same way. Fail what waits unless a live worker can still serve it.
      if (![...slots].some((s) => s.state !== 'starting' && !s.retiring)) {
        const error = options.startError(reason);
        if (options.startFailureIsFatal) {
          fail(error);
          return;
        }
        rejectWaiting(error);
      }
    } else if (slot.current) {
      slot.current.reject(options.crashError(slot.current.task, reason));
      slot.current = null;
    }
    pump();
  }

  function clearIdleTimer(slot: Slot<Task, Result>): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
  }

  /** An idle worker with nothing queued is stopped after idleReleaseMs unless it gets a task first. */
  function scheduleIdleRelease(slot: Slot<Task, Result>): void {
    if (idleReleaseMs === undefined || slot.idleTimer || slot.retiring) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      if (slot.state === 'idle' && queue.length === 0 && readyWaiters.length === 0) retire(slot);
    }, idleReleaseMs);
    // The release must never keep the process alive on its own.
    slot.idleTimer.unref();
  }

  /** Hand queued tasks to idle workers, start workers up to `size` while tasks wait, keep refs in sync. */
  function pump(): void {
    if (failure) return;
    for (const slot of slots) {
      if (queue.length === 0) break;
      if (slot.state !== 'idle' || slot.retiring) continue;
      const pending = queue.shift() as Pending<Task, Result>;
      slot.state = 'busy';
      clearIdleTimer(slot);
      slot.current = pending;
      slot.worker.postMessage(options.request(pending.id, pending.task));
    }
    // A worker being released (idle release) no longer counts: it takes no task, and a fresh one may start beside it.
    const live = [...slots].filter((s) => !s.retiring);
    const starting = live.filter((s) => s.state === 'starting').length;
    const wanted = Math.max(queue.length - starting, readyWaiters.length > 0 && live.length === 0 ? 1 : 0);
    let toStart = Math.min(size - live.length, wanted);
    while (toStart-- > 0) spawn();
    // Idle workers must not keep the process alive (a caller that forgets close() still exits); workers
    // with work, or starting for queued work, must.
    for (const slot of slots) {
      if (slot.state === 'idle') {
        slot.worker.unref();
        if (queue.length === 0) scheduleIdleRelease(slot);
      } else slot.worker.ref();
    }
    settleClose();
  }

  /** Once closing and drained, terminate the workers without a task; resolve when every worker has exited. */
  function settleClose(): void {
    if (!closing || queue.length > 0) return;
    for (const slot of slots) {
      if (slot.state !== 'busy') retire(slot);
    }
    if (slots.size === 0 && finishClose) {
      finishClose();
      finishClose = null;
    }
  }

  return {
    run(task: Task): Promise<Result> {
      if (closing) return Promise.reject(new Error(options.closedMessage));
      if (failure) return Promise.reject(failure);
      return new Promise<Result>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        pump();
      });
    },
    ready(): Promise<void> {
      if (failure) return Promise.reject(failure);
      if (everReady) return Promise.resolve();
      if (closing) return Promise.reject(new Error(options.closedMessage));
      return new Promise<void>((resolve, reject) => {
        readyWaiters.push({ resolve, reject });
        pump();
      });
    },
    fail,
    get failure() {
      return failure;
    },
    get liveWorkers() {
      return [...slots].filter((s) => !s.retiring).length;
    },
    close(): Promise<void> {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve) => {
        finishClose = resolve;
      });
      for (const waiter of readyWaiters) waiter.reject(new Error(options.closedMessage));
      readyWaiters = [];
      settleClose();
      return closed;
    },
  };
}
