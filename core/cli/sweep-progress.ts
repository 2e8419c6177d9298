/**
 * Sweep progress on the terminal: one cli-progress bar on a TTY (point, side, requests, ETA in its text), plain
 * throttled lines otherwise, nothing with --quiet. Fed with SweepProgress snapshots.
 */
import cliProgress from 'cli-progress';
import type { SweepProgress } from '../../shared/sweep.ts';

export interface SweepReporter {
  update(p: SweepProgress): void;
  log(line: string): void;
  stop(): void;
}

export function createSweepReporter(stream: NodeJS.WritableStream | null, describe: (p: SweepProgress) => string, intervalMs = 2000): SweepReporter {
  if (stream === null) return { update() {}, log() {}, stop() {} };
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { stream: stream as NodeJS.WriteStream, format: 'sweep [{bar}] {percentage}% · {where}', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.requestsTotal, p.requestsDone, { where: describe(p) });
          started = true;
        } else bar.update(p.requestsDone, { where: describe(p) });
      },
      log(line) {
        if (started) bar.stop();
        stream.write(`${line}\n`);
        if (started) {
          started = false;
        }
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = -Infinity;
  let pending: SweepProgress | null = null;
  let lastKey = '';
  const flush = (p: SweepProgress): void => {
    const line = describe(p);
    const key = `${p.current?.pointId}/${p.current?.side}/${p.requestsDone}`;
    if (key !== lastKey) stream.write(`progress: ${line}\n`);
    lastKey = key;
    last = Date.now();
    pending = null;
  };
  let lastPoint = '';
  return {
    update(p) {
      // A new point or side always gets its line; otherwise at most one line per interval.
      const point = `${p.current?.pointId}/${p.current?.side}`;
      if (point !== lastPoint || Date.now() - last >= intervalMs || p.requestsDone === p.requestsTotal) {
        lastPoint = point;
        flush(p);
      } else pending = p;
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {
      if (pending) flush(pending);
    },
  };
}
