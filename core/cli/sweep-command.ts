/**
 * `omni-review sweep`: a sweep spec (YAML and/or flags) → a sweep folder → point by point, A then B → sweep.json /
 * .csv / .md / .html. Progress names the point, the side and an ETA. Every request is saved as it finishes, so
 * `--resume DIR` after Ctrl-C or `kill -9` sends only the requests that had not finished.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Side } from '../../shared/model.ts';
import { formatSpeedup } from '../../shared/speedup.ts';
import { formatTeamDifference, formatTeamImprovement, formatTeamSeconds, sweepPoints, type SweepProgress } from '../../shared/sweep.ts';
import { defaultWorkspaceDir } from '../engine/workspace.ts';
import { isRunFolder } from '../store/run-store.ts';
import { createSweep, executeSweep } from '../sweep/execute.ts';
import { loadSweepSpecFile, parseSweepSpecText, type SpecOverrides } from '../sweep/spec.ts';
import { isSweepFolder, openSweepStore, type SweepStore } from '../sweep/store.ts';
import { newSweepId, sweepsDir } from '../sweep/workspace.ts';
import { UsageError } from './args.ts';
import { parseBackendOptions, type BackendOptionValues } from './backend-options.ts';
import type { CliIo } from './io.ts';
import { interruptOnSignals, stoppedExitCode } from './signals.ts';
import { displayPath } from './paths.ts';
import { formatDuration } from './progress.ts';
import { createSweepReporter } from './sweep-progress.ts';

export interface SweepCommandOptions extends BackendOptionValues {
  spec?: string;
  out?: string;
  resume?: string;
  sides: string;
  bothAtOnce?: boolean;
  name?: string;
  batch?: string;
  promptTokens?: string;
  concurrency?: string;
  requestRate?: string;
  burstiness?: string;
  requests?: string;
  warmup?: string;
  size?: string;
  steps?: string;
  seed?: string;
  image?: string[];
  timeout?: string;
  json?: boolean;
  quiet?: boolean;
  /** Whether --sim-time-scale was typed (otherwise the spec's sim_time_scale, when it has one, applies). */
  simTimeScaleGiven?: boolean;
}

/** "1,2,4" → [1, 2, 4]; "inf" stays text; anything else stays as typed so the spec check names it. */
function listValue(raw: string): unknown[] {
  return raw.split(',').map((t) => {
    const v = t.trim();
    if (v === 'inf') return v;
    const n = Number(v);
    return v !== '' && Number.isFinite(n) ? n : v;
  });
}

function numberValue(raw: string): unknown {
  const n = Number(raw.trim());
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

const FLAG_FOR: Record<string, string> = {
  name: '--name',
  'axes.batch': '--batch',
  'axes.prompt_tokens': '--prompt-tokens',
  'axes.concurrency': '--concurrency',
  'axes.request_rate': '--request-rate',
  'axes.burstiness': '--burstiness',
  requests: '--requests',
  warmup: '--warmup',
  size: '--size',
  steps: '--steps',
  seed: '--seed',
  images: '--image',
  image: '--image',
  timeout_s: '--timeout',
  axes: '--batch/--prompt-tokens/--concurrency/--request-rate',
};

/** The spec values given as flags, in the file's shape. Without --spec every field is a flag's. */
export function overridesFromFlags(o: SweepCommandOptions, withSpec: boolean): SpecOverrides {
  const values: SpecOverrides['values'] = {};
  const axes: Record<string, unknown> = {};
  const flags: Record<string, string> = {};
  const set = (key: string, v: unknown): void => {
    if (key.startsWith('axes.')) axes[key.slice(5)] = v;
    else values[key] = v;
    flags[key] = FLAG_FOR[key]!;
  };
  if (o.name !== undefined) set('name', o.name);
  if (o.batch !== undefined) set('axes.batch', listValue(o.batch));
  if (o.promptTokens !== undefined) set('axes.prompt_tokens', listValue(o.promptTokens));
  if (o.concurrency !== undefined) set('axes.concurrency', listValue(o.concurrency));
  if (o.requestRate !== undefined) set('axes.request_rate', listValue(o.requestRate));
  if (o.burstiness !== undefined) set('axes.burstiness', numberValue(o.burstiness));
  if (o.requests !== undefined) set('requests', numberValue(o.requests));
  if (o.warmup !== undefined) set('warmup', numberValue(o.warmup));
  if (o.size !== undefined) set('size', o.size);
  if (o.steps !== undefined) set('steps', numberValue(o.steps));
  if (o.seed !== undefined) set('seed', numberValue(o.seed));
  if (o.image !== undefined) set('images', o.image);
  if (o.timeout !== undefined) set('timeout_s', numberValue(o.timeout));
  values.axes = axes;
  if (!withSpec) {
    // Every problem of a flags-only sweep is a flag's: name the flag, not a line of a file that does not exist.
    values.name ??= 'command-line sweep';
    Object.assign(flags, FLAG_FOR);
  }
  return { values, flags };
}

function parseSides(raw: string): Side[] {
  const sides = raw.split(',').map((s) => s.trim().toUpperCase());
  if (sides.length === 0 || sides.length > 2 || sides.some((s) => s !== 'A' && s !== 'B') || new Set(sides).size !== sides.length) {
    throw new UsageError(`--sides: expected A,B or A or B (or B,A), got "${raw}"`);
  }
  return sides as Side[];
}

async function checkSweepOutDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: exists and is not a folder`);
  if (await isSweepFolder(dir)) throw new UsageError(`--out ${dir}: already holds a sweep; continue it with --resume ${dir} or pick another folder`);
  if (await isRunFolder(dir)) throw new UsageError(`--out ${dir}: holds a run (run.sqlite), not a sweep; pick a new or empty folder`);
  if (readdirSync(dir).length > 0) throw new UsageError(`--out ${dir}: folder is not empty; pick a new or empty folder`);
}

export function sweepResumeHint(dir: string): string {
  return `npx omni-review sweep --resume ${displayPath(dir)}`;
}

export function progressLine(p: SweepProgress, pointsPerSide: number, sides: number): string {
  const cur = p.current;
  const where = cur ? `point ${cur.pointIndex + 1}/${pointsPerSide} ${cur.pointId} · side ${cur.side}` : 'between points';
  return `${where} · requests ${p.requestsDone}/${p.requestsTotal} · points done ${p.pointsDone}/${pointsPerSide * sides} · eta ${formatDuration(p.etaMs)}`;
}

export async function sweepCommand(o: SweepCommandOptions, io: CliIo): Promise<number> {
  const human = o.json ? io.stderr : io.stdout;
  const say = (line: string): void => {
    if (!o.quiet) human.write(`${line}\n`);
  };
  const backendOptions = parseBackendOptions(o);
  let store: SweepStore;
  if (o.resume !== undefined) {
    if (o.spec !== undefined || o.out !== undefined) throw new UsageError('--resume continues a sweep folder with its own spec and backends: leave out --spec and --out');
    const dir = resolve(o.resume);
    if (!(await isSweepFolder(dir))) throw new UsageError(`--resume ${o.resume}: not a sweep folder (no sweep.sqlite); start one with --spec FILE --out DIR`);
    store = await openSweepStore(dir);
    say(`resuming ${displayPath(dir)} (sweep ${store.config.id}): ${store.count()} requests already done`);
  } else {
    const sides = parseSides(o.sides);
    const overrides = overridesFromFlags(o, o.spec !== undefined);
    const loaded =
      o.spec !== undefined
        ? await loadSweepSpecFile(o.spec, overrides)
        : await parseSweepSpecText('', { fileName: 'command-line flags', baseDir: process.cwd(), overrides });
    const id = newSweepId(loaded.spec.name);
    const dir = o.out !== undefined ? resolve(o.out) : join(sweepsDir(defaultWorkspaceDir()), id);
    if (o.out !== undefined) await checkSweepOutDir(dir);
    store = await createSweep({
      loaded,
      specSource: o.spec ?? 'command-line flags',
      dir,
      id,
      backends: backendOptions.targets,
      sides,
      bothAtOnce: o.bothAtOnce === true,
      simTimeScale: o.simTimeScaleGiven ? backendOptions.simTimeScale : (loaded.simTimeScale ?? backendOptions.simTimeScale),
    });
    say(`sweep ${id} → ${displayPath(dir)}`);
  }
  const cfg = store.config;
  const points = sweepPoints(cfg.spec.axes);
  for (const side of cfg.sides) say(`${side}: ${cfg.backends[side].label}`);
  say(`${points.length} points × ${cfg.sides.join(' then ')}${cfg.bothAtOnce ? ' (both at once)' : ''}, ${cfg.spec.requests} requests + ${cfg.spec.warmup} warm-up each`);

  const reporter = createSweepReporter(o.quiet ? null : human, (p) => progressLine(p, points.length, cfg.sides.length));
  const interrupt = interruptOnSignals(
    (line) => reporter.log(line),
    (signal) => `${signal}: stopping — requests in flight are sent again on --resume; writing the partial report (again to quit at once)`,
  );
  try {
    const outcome = await executeSweep(store, {
      signal: interrupt.signal,
      healthDeadlineMs: backendOptions.healthDeadlineMs,
      onProgress: (p) => reporter.update(p),
      onLog: (line) => reporter.log(line),
      onRecord: (r) => {
        if (r.status === 'error') reporter.log(`✗ ${r.side} ${r.pointId} request ${r.index}: ${r.error?.message ?? 'failed'}`);
      },
    });
    reporter.stop();
    const result = outcome.result;
    say('configuration | A (s) | B (s) | difference (s) | improvement (%) | speed-up');
    for (const p of result.points) {
      const r = p.row;
      say(`${r.label} | ${formatTeamSeconds(r.aSeconds)} | ${formatTeamSeconds(r.bSeconds)} | ${formatTeamDifference(r.differenceSeconds)} | ${formatTeamImprovement(r.improvementPercent)} | ${formatSpeedup(r.aSeconds, r.bSeconds) ?? '—'}`);
    }
    const sims = cfg.sides.filter((s) => cfg.backends[s].simulated);
    if (sims.length) say(`note: ${sims.join(' and ')} ${sims.length > 1 ? 'are' : 'is'} SIMULATED — the timings are a model, not real model output`);
    say(`report: ${displayPath(outcome.files.html)} (also sweep.json, sweep.csv, sweep.md)`);
    const failed = result.points.reduce((t, p) => t + (p.A?.failed ?? 0) + (p.B?.failed ?? 0), 0);
    const code = outcome.state === 'cancelled' ? 130 : failed > 0 ? 1 : 0;
    if (outcome.state === 'cancelled') say(`stopped; continue with: ${sweepResumeHint(store.dir)}`);
    if (o.json) io.stdout.write(`${JSON.stringify({ sweepId: cfg.id, dir: store.dir, state: outcome.state, exitCode: code, files: outcome.files, progress: outcome.progress })}\n`);
    return code;
  } catch (err) {
    reporter.stop();
    const stopped = stoppedExitCode(err, interrupt.signal, io.stderr, { folder: 'sweep', resumeHint: sweepResumeHint(store.dir), stopped: 'stopped' });
    if (stopped !== null) return stopped;
    throw err;
  } finally {
    interrupt.dispose();
    store.close();
  }
}
