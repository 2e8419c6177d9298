/**
 * A 500-case run, end to end through the CLI: the demo suite's cases repeated under new ids until there are 500
 * (same inputs, so 3-turn chains and posters come along: about 650 pairs), the embedded simulators at
 * `--sim-time-scale 0.001`, then `omni-review report DIR` on the finished folder, then report.html opened in
 * Chromium (bench/report-render.ts). Reported: run time, report time, report.html size, render time and the peak
 * RSS of each command (the CLI starts itself again with MALLOC_ARENA_MAX set, bin/omni-review.mjs, so its process
 * tree is summed), each with issue 10's target.
 *
 * Every copy gets its own seed by default, so its outputs are new bytes and each pair is compared for real
 * (`--repeat-seeds` repeats the demo's seeds, as the bench did before: the content cache then hides most of the
 * comparison work). The keep-up run (`--keep-up`) paces the simulators at ~1.2 s per request, one at a time per
 * side, and reports how far the last comparison trails the last response.
 *
 * `node bench/scale.ts [--cases N] [--root DIR] [--repeat-seeds] [--keep-up]` runs it alone (--root: the checkout
 * whose CLI is timed, so an older commit can be measured with the same script).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { parse, stringify } from 'yaml';
import { reportRenderTimes } from './report-render.ts';
import { modelB } from '../core/backends/sim/timing.ts';
import { figure, log, type Measurement } from './measure.ts';

const HERE = fileURLToPath(new URL('..', import.meta.url));

export interface SuiteVariation {
  /**
   * Give every copy its own seed (distinct outputs, so each pair is compared for real). Without it the copies
   * repeat the demo's seeds, the simulators return the same bytes for each copy, and the run's content cache
   * computes each distinct comparison once: a figure that flatters the comparisons.
   */
  distinctSeeds: boolean;
  /** Denoising steps for every case (the demo's own when absent). */
  steps?: number;
}

/** The demo suite with its cases cycled under new ids up to `cases`; inputs made absolute. */
export function scaledSuite(root: string, cases: number, variation: SuiteVariation = { distinctSeeds: true }): string {
  const demoPath = join(root, 'fixtures/suites/demo.yaml');
  const demo = parse(readFileSync(demoPath, 'utf8')) as { cases: Array<Record<string, unknown>>; [k: string]: unknown };
  const abs = (p: unknown) => (typeof p === 'string' ? resolve(join(root, 'fixtures/suites'), p) : p);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < cases; i++) {
    const base = structuredClone(demo.cases[i % demo.cases.length]!);
    base.id = `${String(base.id)}-${Math.floor(i / demo.cases.length)}`;
    if ('input' in base) base.input = abs(base.input);
    if (Array.isArray(base.inputs)) base.inputs = base.inputs.map(abs);
    const params = { ...((base.params as Record<string, unknown> | undefined) ?? {}) };
    if (variation.distinctSeeds) params.seed = 1000 + i;
    if (variation.steps !== undefined) params.steps = variation.steps;
    if (Object.keys(params).length > 0) base.params = params;
    out.push(base);
  }
  return stringify({ ...demo, name: `scale-${cases}`, cases: out });
}

interface Timed {
  ms: number;
  peakRssMb: number;
  code: number | null;
  stderrTail: string;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between polls
  }
}

/** `pid` and its descendants, from /proc (bounded: a CLI has a child or two). */
function processTree(pid: number, depth = 0): number[] {
  const pids = [pid];
  if (depth > 4) return pids;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean)) {
        pids.push(...processTree(Number(child), depth + 1));
      }
    }
  } catch {
    // exited between polls
  }
  return pids;
}

/**
 * Run the CLI and track its memory: every 100 ms the summed VmRSS of its process tree (threads included: the
 * compare and OCR workers live in the engine's process), and each process's VmHWM (the kernel's high-water mark,
 * which catches spikes between polls). The peak is the larger of the two.
 */
function timedCli(root: string, args: string[]): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin/omni-review.mjs'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let peakKb = 0;
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      let sum = 0;
      for (const pid of processTree(child.pid)) {
        sum += statusKb(pid, 'VmRSS');
        peakKb = Math.max(peakKb, statusKb(pid, 'VmHWM'));
      }
      peakKb = Math.max(peakKb, sum);
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolvePromise({ ms: performance.now() - t0, peakRssMb: Math.round(peakKb / 1024), code, stderrTail: stderr.slice(-600) });
    });
  });
}

export interface ScaleResult {
  cases: number;
  distinctSeeds: boolean;
  simTimeScale: number;
  runS: number;
  runPeakRssMb: number;
  reportS: number | null;
  reportPeakRssMb: number | null;
  reportHtmlMb: number | null;
  /** report.html opened from disk in Chromium at 1440×900: load event, and scrolled to the bottom and painted (s). */
  renderLoadS: number | null;
  renderBottomS: number | null;
  /** Last comparison saved minus last result saved (s): how far comparisons trail the responses. */
  compareTailS: number | null;
  pairs: number;
  /** Requests answered, and their mean e2e per side (s), from the results. */
  requests: number;
  meanE2eS: { A: number | null; B: number | null };
}

/** From run.sqlite's save times: pairs compared, and how long after the last response the last comparison landed. */
function compareTail(runDir: string): { tailS: number | null; pairs: number; requests: number; meanE2eS: ScaleResult['meanE2eS'] } {
  const db = new DatabaseSync(join(runDir, 'run.sqlite'), { readOnly: true });
  try {
    const r = db.prepare('SELECT max(saved_at) AS t FROM results').get() as { t: string | null };
    const c = db.prepare('SELECT max(saved_at) AS t, count(*) AS n FROM comparisons').get() as { t: string | null; n: number };
    const tailS = r.t && c.t ? Math.round((Date.parse(c.t) - Date.parse(r.t)) / 100) / 10 : null;
    const e2e = db
      .prepare(
        `SELECT j.side AS side, count(*) AS n, avg(json_extract(r.result, '$.timings.e2eMs')) AS ms
         FROM results r JOIN jobs j ON j.id = r.job_id WHERE r.status = 'ok' GROUP BY j.side`,
      )
      .all() as Array<{ side: string; n: number; ms: number | null }>;
    const mean = (side: string) => {
      const ms = e2e.find((row) => row.side === side)?.ms;
      return typeof ms === 'number' ? Math.round(ms / 10) / 100 : null;
    };
    return { tailS, pairs: Number(c.n), requests: e2e.reduce((n, row) => n + Number(row.n), 0), meanE2eS: { A: mean('A'), B: mean('B') } };
  } finally {
    db.close();
  }
}

export interface ScaleOptions {
  variation?: SuiteVariation;
  simTimeScale?: number;
  /** More `run` flags (e.g. `--concurrency 1`). */
  runArgs?: string[];
  /** Also time `omni-review report DIR` (default true). */
  report?: boolean;
}

export async function scaleRun(root: string, cases: number, options: ScaleOptions = {}): Promise<ScaleResult> {
  const variation = options.variation ?? { distinctSeeds: true };
  const simTimeScale = options.simTimeScale ?? 0.001;
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-scale-'));
  try {
    const suite = join(dir, 'suite.yaml');
    writeFileSync(suite, scaledSuite(root, cases, variation));
    const out = join(dir, 'run');
    log(`scale: ${cases}-case run (sim time scale ${simTimeScale}, ${variation.distinctSeeds ? 'distinct seeds' : 'repeated seeds'})`);
    const run = await timedCli(root, ['run', '--suite', suite, '--out', out, '--sim-time-scale', String(simTimeScale), '--quiet', ...(options.runArgs ?? [])]);
    if (run.code !== 0) throw new Error(`run exited ${run.code}: ${run.stderrTail}`);
    const tail = compareTail(out);
    let report: Timed | null = null;
    if (options.report ?? true) {
      log(`scale: report DIR`);
      report = await timedCli(root, ['report', out]);
      if (report.code !== 0) throw new Error(`report exited ${report.code}: ${report.stderrTail}`);
    }
    const htmlMb = report ? statSync(join(out, 'report.html')).size / 2 ** 20 : null;
    let render: { loadEventMs: number; scrolledToBottomMs: number } | null = null;
    if (report) {
      log(`scale: report.html in Chromium`);
      // The slower of two openings: the first pays Chromium's own start-up caches, the second the machine's load.
      const times = await reportRenderTimes([join(out, 'report.html')], 2);
      render = { loadEventMs: Math.max(...times.map((t) => t.loadEventMs)), scrolledToBottomMs: Math.max(...times.map((t) => t.scrolledToBottomMs)) };
    }
    return {
      cases,
      distinctSeeds: variation.distinctSeeds,
      simTimeScale,
      runS: Math.round(run.ms / 100) / 10,
      runPeakRssMb: run.peakRssMb,
      reportS: report ? Math.round(report.ms / 100) / 10 : null,
      reportPeakRssMb: report ? report.peakRssMb : null,
      reportHtmlMb: htmlMb === null ? null : Math.round(htmlMb * 100) / 100,
      renderLoadS: render ? Math.round(render.loadEventMs / 100) / 10 : null,
      renderBottomS: render ? Math.round(render.scrolledToBottomMs / 100) / 10 : null,
      compareTailS: tail.tailS,
      pairs: tail.pairs,
      requests: tail.requests,
      meanE2eS: tail.meanE2eS,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Steps of every case in the keep-up run, and the seconds B's model takes for a 1024² one-image edit at them. */
const KEEP_UP_STEPS = 10;
const KEEP_UP_REQUEST_S = 1.2;

/**
 * The time scale at which B's model takes KEEP_UP_REQUEST_S for a 1024² one-image edit without CFG at
 * KEEP_UP_STEPS steps (the demo's typical case; chains, posters and other sizes land around it). The run reports
 * the mean e2e it actually measured next to it.
 */
export function keepUpTimeScale(): number {
  const m = modelB({ width: 1024, height: 1024, steps: KEEP_UP_STEPS, cfg: false, mode: 'edit', inputImages: 1 });
  const ms =
    m.preprocessMs + m.textEncodeCallMs * m.textEncodeCalls + m.vaeEncodeMs + m.prepareLatentsMs + m.timestepsMs +
    m.denoiseStepMs * KEEP_UP_STEPS + m.vaeDecodeMs + m.postprocessMs + m.encodeResponseMs;
  return Math.round((KEEP_UP_REQUEST_S * 1000 * 10000) / ms) / 10000;
}

export async function scaleFigures(quick: boolean): Promise<Measurement[]> {
  const r = await scaleRun(HERE, quick ? 100 : 500);
  const one = (name: string, unit: string, v: number, target?: { description: string; pass: boolean }): Measurement => ({
    ...figure(name, unit, [v]),
    ...(target ? { target: { description: target.description }, pass: target.pass } : {}),
    notes: `${r.cases} cases generated from the demo suite, each with its own seed (distinct outputs: no comparison is served from the content cache), embedded simulators at --sim-time-scale 0.001, one run.`,
  });
  // Comparisons keeping up with responses at a realistic pace: B's model at ~1.2 s per request, one request at a
  // time per side (B serves one at a time), distinct seeds, 2 cores shared with the simulators' rendering.
  const keepUpCases = quick ? 20 : 48;
  const scale = keepUpTimeScale();
  const k = await scaleRun(HERE, keepUpCases, { variation: { distinctSeeds: true, steps: KEEP_UP_STEPS }, simTimeScale: scale, runArgs: ['--concurrency', '1'], report: false });
  const keepUpNotes = `${k.cases} demo-derived cases, distinct seeds, ${KEEP_UP_STEPS} steps, --sim-time-scale ${scale} (B's model ${KEEP_UP_REQUEST_S} s for a 1024² edit), --concurrency 1; ${k.requests} responses, measured mean e2e A ${k.meanE2eS.A ?? '?'} s, B ${k.meanE2eS.B ?? '?'} s; ${k.pairs} pairs compared; run wall time ${k.runS} s.`;
  return [
    one(`${r.cases}-case run, wall time (create, send, compare, reports)`, 's', r.runS),
    one(`${r.cases}-case run, peak RSS`, 'MB', r.runPeakRssMb, { description: 'peak RSS < 1024 MB', pass: r.runPeakRssMb < 1024 }),
    one(`last comparison after the last response (${r.pairs} pairs compared)`, 's', r.compareTailS ?? Number.NaN),
    one('omni-review report DIR, wall time', 's', r.reportS ?? Number.NaN, r.cases >= 500 ? { description: '≤ 15 s at 500 cases', pass: (r.reportS ?? Infinity) <= 15 } : undefined),
    one('omni-review report DIR, peak RSS', 'MB', r.reportPeakRssMb ?? Number.NaN),
    one('report.html size', 'MB', r.reportHtmlMb ?? Number.NaN, r.cases >= 500 ? { description: '≤ 8 MB at 500 cases', pass: (r.reportHtmlMb ?? Infinity) <= 8 } : undefined),
    one('report.html in Chromium (1440×900, from disk), load event', 's', r.renderLoadS ?? Number.NaN, r.cases >= 500 ? { description: '≤ 15 s at 500 cases', pass: (r.renderBottomS ?? Infinity) <= 15 } : undefined),
    one('report.html in Chromium, scrolled to the bottom and painted', 's', r.renderBottomS ?? Number.NaN),
    {
      ...figure(`keep-up: last comparison after the last response, ~${KEEP_UP_REQUEST_S} s per request (${k.pairs} pairs)`, 's', [k.compareTailS ?? Number.NaN]),
      target: { description: '≤ 10 s' },
      pass: k.compareTailS !== null && k.compareTailS <= 10,
      notes: keepUpNotes,
    },
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '500' },
      root: { type: 'string' },
      'repeat-seeds': { type: 'boolean', default: false },
      'keep-up': { type: 'boolean', default: false },
    },
  });
  const root = resolve(values.root ?? HERE);
  const distinctSeeds = !values['repeat-seeds'];
  const result = values['keep-up']
    ? await scaleRun(root, Number(values.cases), { variation: { distinctSeeds, steps: KEEP_UP_STEPS }, simTimeScale: keepUpTimeScale(), runArgs: ['--concurrency', '1'], report: false })
    : await scaleRun(root, Number(values.cases), { variation: { distinctSeeds } });
  const targets = {
    runPeakRssMb: { target: '< 1024', pass: result.runPeakRssMb < 1024 },
    ...(result.reportS === null ? {} : { reportS: { target: '≤ 15 at 500 cases', pass: result.reportS <= 15 } }),
    ...(result.reportHtmlMb === null ? {} : { reportHtmlMb: { target: '≤ 8 at 500 cases', pass: result.reportHtmlMb <= 8 } }),
    ...(result.renderBottomS === null ? {} : { renderS: { target: '≤ 15 at 500 cases', pass: result.renderBottomS <= 15 } }),
  };
  process.stdout.write(`${JSON.stringify({ root, ...result, targets })}\n`);
}
