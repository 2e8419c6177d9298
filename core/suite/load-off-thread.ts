/**
 * The suite loader on a worker thread, for hosts that serve other requests meanwhile (browser mode, the Electron
 * main process): parsing and checking a suite near the 1 MB cap takes seconds, and on the main thread that stalled
 * every other request (issue 9: a 2 MB suites:check blocked the server for about 7 s).
 *
 * One worker is started on first use and kept (unref'd, so it never holds the process open). Results and errors come
 * back as they would from load.ts: the same LoadedSuite, a SuiteError with the same issues. Where the worker cannot
 * start (a bundle that does not ship suite-worker.ts), the loader runs in-process as before.
 */
import { Worker } from 'node:worker_threads';
import { loadSuiteFile, parseSuiteText, SuiteError, type LoadedSuite, type ParseSuiteOptions, type SuiteIssue } from './load.ts';

type NewJob = { kind: 'file'; file: string } | { kind: 'text'; text: string; options: ParseSuiteOptions };
export type SuiteJob = NewJob & { id: number };
export type SuiteReply =
  | { id: number; ok: true; loaded: LoadedSuite }
  | { id: number; ok: false; issues: SuiteIssue[] | null; message: string };

interface Waiting {
  resolve: (loaded: LoadedSuite) => void;
  reject: (error: Error) => void;
  job: SuiteJob;
}

let worker: Worker | null = null;
let broken = false;
let nextId = 1;
const waiting = new Map<number, Waiting>();

function inProcess(job: SuiteJob): Promise<LoadedSuite> {
  return job.kind === 'file' ? loadSuiteFile(job.file) : parseSuiteText(job.text, job.options);
}

function ensureWorker(): Worker | null {
  if (broken) return null;
  if (worker) return worker;
  try {
    const w = new Worker(new URL('./suite-worker.ts', import.meta.url), { name: 'omni-review-suite' });
    w.unref();
    w.on('message', (reply: SuiteReply) => {
      const entry = waiting.get(reply.id);
      if (!entry) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) w.unref();
      if (reply.ok) entry.resolve(reply.loaded);
      else entry.reject(reply.issues ? new SuiteError(reply.issues) : new Error(reply.message));
    });
    w.on('error', () => {
      // Could not start (or crashed): every waiting job runs in-process instead; later ones too.
      broken = true;
    });
    w.on('exit', () => {
      worker = null;
      const pending = [...waiting.values()];
      waiting.clear();
      for (const entry of pending) inProcess(entry.job).then(entry.resolve, entry.reject);
    });
    worker = w;
    return w;
  } catch {
    broken = true;
    return null;
  }
}

function submit(job: NewJob): Promise<LoadedSuite> {
  const full: SuiteJob = { ...job, id: nextId++ };
  const w = ensureWorker();
  if (!w) return inProcess(full);
  return new Promise((resolve, reject) => {
    waiting.set(full.id, { resolve, reject, job: full });
    w.ref();
    w.postMessage(full);
  });
}

/** loadSuiteFile (load.ts), off the calling thread. */
export function loadSuiteFileOffThread(file: string): Promise<LoadedSuite> {
  return submit({ kind: 'file', file });
}

/** parseSuiteText (load.ts), off the calling thread. */
export function parseSuiteTextOffThread(text: string, options: ParseSuiteOptions): Promise<LoadedSuite> {
  return submit({ kind: 'text', text, options });
}
