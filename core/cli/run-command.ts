/**
 * `omni-review run`: suite → run folder → both backends → comparisons → reports, with progress on the
 * terminal, a clean stop on Ctrl-C (partial report, resumable) and `--resume DIR` after any interruption,
 * `kill -9` included (every result is saved the moment it arrives).
 */
import { join, resolve } from 'node:path';
import { MAX_SEED, SIDES, type BackendKind, type GenParams, type RunParams } from '../../shared/model.ts';
import { createRun, type BackendSpec } from '../engine/create-run.ts';
import { executeRun } from '../engine/execute-run.ts';
import { reportFromStore } from '../engine/report-from-store.ts';
import { missingInputsProblem } from '../engine/run-integrity.ts';
import { defaultWorkspaceDir, newRunId, runsDir } from '../engine/workspace.ts';
import type { RunEvent } from '../runner/events.ts';
import { openRunStore } from '../store/run-store.ts';
import { StoreError, storeWriteError, writeFailureReason } from '../store/store-error.ts';
import { writeReports } from '../reports/write.ts';
import type { RunStore } from '../store/types.ts';
import { loadSuiteFile } from '../suite/load.ts';
import {
  UsageError,
  parseIntOption,
  parsePositiveNumberOption,
  parseSecondsOption,
  parseSizeOption,
} from './args.ts';
import { parseBackendOptions, type BackendOptionValues } from './backend-options.ts';
import type { CliIo } from './io.ts';
import { interruptOnSignals, stoppedExitCode } from './signals.ts';
import { closingLines } from './closing-lines.ts';
import { checkOutDir, displayPath } from './paths.ts';
import { createPlainReporter, createQuietReporter, createTtyReporter, formatDuration, type ProgressReporter } from './progress.ts';

export interface RunCommandOptions extends BackendOptionValues {
  suite?: string;
  out?: string;
  resume?: string;
  concurrency: string;
  repeats: string;
  timeout: string;
  retries: string;
  seed?: string;
  steps?: string;
  size?: string;
  aSimTimeScale: string;
  bSimTimeScale: string;
  /** `on` (default) or `off`: OCR of outputs with expected text (issue 11). */
  ocr?: string;
  json?: boolean;
  quiet?: boolean;
}

function describeEvent(event: RunEvent): string | null {
  switch (event.type) {
    case 'job-retry':
      return `retry ${event.side} ${event.caseId} turn ${event.turn} (attempt ${event.attempt} failed: ${event.reason}); next try in ${formatDuration(event.delayMs)}`;
    case 'job-finished':
      if (event.status === 'ok') return null;
      return `✗ ${event.result.side} ${event.result.caseId} turn ${event.result.turn}: ${event.result.error?.message ?? 'failed'}`;
    case 'ocr-done':
      return null;
    case 'comparison-failed':
      return `comparison of ${event.pairKey} failed: ${event.message}`;
    case 'log':
      return event.level === 'info' ? null : `${event.level}: ${event.message}`;
    default:
      return null;
  }
}

interface NewRunSettings {
  backends: Record<'A' | 'B', BackendSpec>;
  params: RunParams;
}

function newRunSettings(o: RunCommandOptions): NewRunSettings {
  const concurrency = parseIntOption('--concurrency', o.concurrency, 1, 64);
  const timeoutMs = parseSecondsOption('--timeout', o.timeout, 1, 3600);
  const overrides: GenParams = {};
  if (o.seed !== undefined) overrides.seed = parseIntOption('--seed', o.seed, 0, MAX_SEED);
  if (o.steps !== undefined) overrides.steps = parseIntOption('--steps', o.steps, 1, 200);
  if (o.size !== undefined) overrides.size = parseSizeOption('--size', o.size);
  const { targets } = parseBackendOptions(o);
  const spec = (t: { target: string; kind: BackendKind; faults: string }): BackendSpec => ({ ...t, concurrency, timeoutMs });
  return {
    backends: { A: spec(targets.A), B: spec(targets.B) },
    params: {
      overrides,
      repeats: parseIntOption('--repeats', o.repeats, 1, 100),
      retries: parseIntOption('--retries', o.retries, 0, 10),
    },
  };
}

/** The command that continues a run folder, as the user can paste it. */
export function resumeHint(dir: string): string {
  return `npx omni-review run --resume ${displayPath(dir)}`;
}

/** A backend as the run folder records it: the simulator, or the URL it will send to. */
function describeTarget(cfg: { simulated: boolean; target: string; kind: string }): string {
  return cfg.simulated ? `the embedded simulator (${cfg.kind})` : `${cfg.target} (${cfg.kind})`;
}

export async function runCommand(o: RunCommandOptions, io: CliIo): Promise<number> {
  const { simTimeScale, healthDeadlineMs } = parseBackendOptions(o);
  const simSideTimeScale = {
    A: parsePositiveNumberOption('--a-sim-time-scale', o.aSimTimeScale, 0, 100),
    B: parsePositiveNumberOption('--b-sim-time-scale', o.bSimTimeScale, 0, 100),
  };
  const human = o.json ? io.stderr : io.stdout;
  const say = (line: string) => {
    if (!o.quiet) human.write(`${line}\n`);
  };

  let store: RunStore;
  if (o.resume !== undefined) {
    if (o.suite !== undefined || o.out !== undefined) {
      throw new UsageError('--resume continues an existing run folder with its own suite and settings: leave out --suite and --out');
    }
    const dir = resolve(o.resume);
    try {
      store = await openRunStore(dir);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new UsageError(`--resume ${o.resume}: ${(err as Error).message}`);
    }
    const damaged = missingInputsProblem(store);
    if (damaged) {
      store.close();
      throw new UsageError(`--resume ${o.resume}: ${damaged}`);
    }
    // Where this will send, from the folder's own record (a folder from elsewhere names its own servers).
    const to = SIDES.map((side) => `${side} → ${describeTarget(store.config.backends[side])}`).join(', ');
    say(`resuming ${displayPath(dir)} (run ${store.config.id}): ${to}`);
  } else {
    if (o.suite === undefined) throw new UsageError('--suite <file> is required (or --resume <dir> to continue a run)');
    const settings = newRunSettings(o);
    const loaded = await loadSuiteFile(o.suite);
    const runId = newRunId(loaded.suite.name);
    const dir = o.out !== undefined ? resolve(o.out) : join(runsDir(defaultWorkspaceDir()), runId);
    if (o.out !== undefined) await checkOutDir(dir);
    try {
      // A RunInputError (a fault profile for a real server, say) exits 2 like a UsageError (see main.ts).
      store = await createRun({ loaded, suiteSource: o.suite, dir, runId, ...settings });
    } catch (err) {
      const reason = writeFailureReason(err);
      if (reason !== null) {
        throw new StoreError('write-failed', `cannot create the run in ${displayPath(dir)}: ${reason}. Nothing was sent. Free some space (or pick a writable folder), then run again with a new --out folder`, { cause: err });
      }
      throw err;
    }
    say(`run ${runId} → ${displayPath(dir)}`);
  }

  for (const side of SIDES) {
    if (simSideTimeScale[side] !== 1 && store.config.backends[side].simulated) {
      say(`note: ${side}'s simulated durations × ${simSideTimeScale[side]} (--${side.toLowerCase()}-sim-time-scale; not stored in the run folder)`);
    }
  }
  const jobs = store.jobs();
  // A staged result (received before a crash, not yet checked) is checked from its file, not sent again.
  const staged = new Set(store.stagedResults().map((r) => r.jobId));
  const pending = jobs.filter((j) => (j.status === 'pending' || j.status === 'running') && !staged.has(j.id)).length;
  for (const side of SIDES) say(`${side}: ${store.config.backends[side].label}`);
  say(`${store.config.suite.cases.length} cases, ${jobs.length} jobs (${pending} to send)`);

  const stream = human as NodeJS.WriteStream;
  const reporter: ProgressReporter = o.quiet
    ? createQuietReporter()
    : stream.isTTY
      ? createTtyReporter(stream)
      : createPlainReporter((line) => human.write(`${line}\n`));

  const interrupt = interruptOnSignals(
    (line) => reporter.log(line),
    (signal) => `${signal}: stopping — in-flight requests go back to pending; the partial report is being written (again to quit at once)`,
  );

  try {
    const result = await executeRun(store, {
      signal: interrupt.signal,
      simTimeScale,
      simSideTimeScale,
      healthDeadlineMs,
      ocr: o.ocr !== 'off',
      formats: ['json', 'html', 'csv', 'junit', 'md'],
      onLog: (line) => reporter.log(line),
      onEvent: (event) => {
        if (event.type === 'progress') reporter.update(event.progress);
        const line = describeEvent(event);
        if (line) reporter.log(line);
      },
    });
    reporter.stop();
    for (const line of closingLines(result.report, store.dir)) say(line);
    const failed = result.report.summary.errors.A + result.report.summary.errors.B;
    const code = result.outcome.status === 'cancelled' ? 130 : failed > 0 ? 1 : 0;
    if (result.outcome.status === 'cancelled') say(`stopped; continue with: ${resumeHint(store.dir)}`);
    if (o.json) {
      io.stdout.write(
        `${JSON.stringify({
          runId: store.config.id,
          dir: store.dir,
          status: result.outcome.status,
          exitCode: code,
          counts: result.outcome.counts,
          summary: result.report.summary,
          files: result.files,
        })}\n`,
      );
    }
    return code;
  } catch (err) {
    reporter.stop();
    const stopped = stoppedExitCode(err, interrupt.signal, io.stderr, { folder: 'run', resumeHint: resumeHint(store.dir), stopped: 'stopped before the run started' });
    if (stopped !== null) return stopped;
    if (writeFailureReason(err) !== null || err instanceof StoreError) {
      // The disk filled up (or the folder became unwritable) mid-run: everything saved so far is committed.
      // Write what the folder holds as a partial report when it can still be written, then say it in one line.
      let partial: 'written' | 'not-written' = 'not-written';
      try {
        await writeReports(reportFromStore(store), store.dir, ['json', 'html', 'csv', 'junit', 'md']);
        partial = 'written';
      } catch {
        // the folder is not writable now; the message says so
      }
      const storeErr = storeWriteError(err, displayPath(store.dir), resumeHint(store.dir), partial);
      if (storeErr) throw storeErr;
    }
    throw err;
  } finally {
    interrupt.dispose();
    store.close();
  }
}
