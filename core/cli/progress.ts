/**
 * Run progress on the terminal: bars on a TTY (cli-progress), plain throttled lines otherwise (CI logs,
 * pipes), nothing with --quiet. Fed with RunProgress snapshots, so it knows nothing about the runner.
 */
import cliProgress from 'cli-progress';
import type { RunProgress, SideProgress } from '../../shared/contract.ts';

export interface ProgressReporter {
  update(progress: RunProgress): void;
  /** A line that must not be torn by the bars (warnings, retries, failures). */
  log(line: string): void;
  stop(): void;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function formatSideLine(name: string, p: SideProgress): string {
  return `${name} ${p.done}/${p.total} (ok ${p.ok}, errors ${p.error}, running ${p.running})`;
}

export function formatPlainLine(p: RunProgress): string {
  return `progress: ${formatSideLine('A', p.A)} | ${formatSideLine('B', p.B)} | compared ${p.compare.done}/${p.compare.total}${p.ocr ? ` | text read ${p.ocr.done}/${p.ocr.total}` : ''} | eta ${formatDuration(p.etaMs)}`;
}

/** Plain lines at most every `intervalMs`, plus always the final state. */
export function createPlainReporter(write: (line: string) => void, intervalMs = 2000, now: () => number = Date.now): ProgressReporter {
  let last = -Infinity;
  let pending: RunProgress | null = null;
  let lastLine = '';
  const flush = (p: RunProgress) => {
    const line = formatPlainLine(p);
    if (line !== lastLine) write(line);
    lastLine = line;
    last = now();
    pending = null;
  };
  return {
    update(p) {
      const finished = p.A.done === p.A.total && p.B.done === p.B.total && p.compare.done === p.compare.total && (!p.ocr || p.ocr.done === p.ocr.total);
      if (finished || now() - last >= intervalMs) flush(p);
      else pending = p;
    },
    log(line) {
      write(line);
    },
    stop() {
      if (pending) flush(pending);
    },
  };
}

export function createTtyReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format: ' {name} [{bar}] {value}/{total} {detail}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 28,
      fps: 10,
    },
    cliProgress.Presets.shades_grey,
  );
  let bars: { A: cliProgress.SingleBar; B: cliProgress.SingleBar; C: cliProgress.SingleBar } | null = null;
  return {
    update(p) {
      const detail = (s: SideProgress) => `ok ${s.ok} · errors ${s.error} · running ${s.running}`;
      if (!bars) {
        bars = {
          A: multi.create(Math.max(1, p.A.total), 0, { name: 'A', detail: '' }),
          B: multi.create(Math.max(1, p.B.total), 0, { name: 'B', detail: '' }),
          C: multi.create(Math.max(1, p.compare.total), 0, { name: '⇄', detail: '' }),
        };
      }
      bars.A.setTotal(Math.max(1, p.A.total));
      bars.B.setTotal(Math.max(1, p.B.total));
      bars.C.setTotal(Math.max(1, p.compare.total));
      bars.A.update(p.A.done, { detail: detail(p.A) });
      bars.B.update(p.B.done, { detail: detail(p.B) });
      bars.C.update(p.compare.done, { detail: `compared${p.ocr ? ` · text read ${p.ocr.done}/${p.ocr.total}` : ''} · eta ${formatDuration(p.etaMs)}` });
    },
    log(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

export function createQuietReporter(): ProgressReporter {
  return { update() {}, log() {}, stop() {} };
}
