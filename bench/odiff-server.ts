/**
 * A minimal client for odiff's server mode (`odiff --server`: one JSON request per line on stdin, one JSON answer
 * per line on stdout, `{"ready":true}` first), for the comparison bench only.
 *
 * Why our own and not odiff-bin's wrapper: odiff-bin lists every platform's binary package as an optional
 * dependency, and a registry mirror that lacks some of them leaves a lockfile that `npm ci` refuses. The project
 * depends on the one binary package for this platform (`@odiff/linux-x64`, optional) and talks to it directly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

export interface OdiffOptions {
  threshold: number;
  antialiasing: boolean;
  captureDiffLines: boolean;
  captureDiffCols: boolean;
}

export interface OdiffServer {
  compare(base: string, compare: string, output: string, options: OdiffOptions): Promise<unknown>;
  stop(): void;
}

/** The odiff binary of this platform's `@odiff/<platform>-<arch>` package, or null (with the reason) when absent. */
export function findOdiffBinary(): { path: string } | { missing: string } {
  const pkg = `@odiff/${process.platform}-${process.arch}`;
  try {
    return { path: createRequire(import.meta.url)(pkg) as string };
  } catch {
    return { missing: `${pkg} is not installed (an optional dependency; only linux-x64 is pinned by this project)` };
  }
}

export async function startOdiffServer(binary: string): Promise<OdiffServer> {
  const child: ChildProcessWithoutNullStreams = spawn(binary, ['--server'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let onReady: (() => void) | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    child.once('error', (err) => reject(new Error(`odiff --server did not start: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`odiff --server exited with code ${code} before it was ready`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: { ready?: boolean; requestId?: number; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return; // not a protocol line
    }
    if (msg.ready) return onReady?.();
    if (typeof msg.requestId !== 'number') return;
    const waiter = pending.get(msg.requestId);
    pending.delete(msg.requestId);
    if (msg.error) waiter?.reject(new Error(`odiff: ${msg.error}`));
    else waiter?.resolve(msg);
  });
  child.on('exit', () => {
    for (const w of pending.values()) w.reject(new Error('odiff --server exited'));
    pending.clear();
  });
  await ready;
  return {
    compare(base, compare, output, options) {
      const requestId = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(requestId, { resolve, reject });
        child.stdin.write(`${JSON.stringify({ requestId, base, compare, output, options })}\n`);
      });
    },
    stop() {
      child.stdin.end();
      child.kill();
    },
  };
}
