/**
 * A 500-case run, end to end through the CLI: the demo suite's cases repeated under new ids until there are 500
 * (same inputs, so 3-turn chains and posters come along: about 650 pairs), the embedded simulators at
 * `--sim-time-scale 0.001`, then `omni-review report DIR` on the finished folder. Reported: run time, report
 * time, report.html size and peak RSS of each process (VmHWM, the kernel's high-water mark, read while it runs).
 *
 * `node bench/scale.ts [--cases N] [--root DIR]` runs it alone (--root: the checkout whose CLI is timed, so an
 * older commit can be measured with the same script).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { parse, stringify } from 'yaml';
import { figure, log, type Measurement } from './measure.ts';

const HERE = fileURLToPath(new URL('..', import.meta.url));

/** The demo suite with its cases cycled under new ids up to `cases`; inputs made absolute. */
export function scaledSuite(root: string, cases: number): string {
  const demoPath = join(root, 'fixtures/suites/demo.yaml');
  const demo = parse(readFileSync(demoPath, 'utf8')) as { cases: Array<Record<string, unknown>>; [k: string]: unknown };
  const abs = (p: unknown) => (typeof p === 'string' ? resolve(join(root, 'fixtures/suites'), p) : p);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < cases; i++) {
    const base = structuredClone(demo.cases[i % demo.cases.length]!);
    base.id = `${String(base.id)}-${Math.floor(i / demo.cases.length)}`;
    if ('input' in base) base.input = abs(base.input);
    if (Array.isArray(base.inputs)) base.inputs = base.inputs.map(abs);
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

/** Run the CLI, polling /proc/<pid>/status for VmHWM (threads included: the compare workers live in it). */
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
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between polls
      }
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
  runS: number;
  runPeakRssMb: number;
  reportS: number;
  reportPeakRssMb: number;
  reportHtmlMb: number;
  /** Last comparison saved minus last result saved (s): how far comparisons trail the responses. */
  compareTailS: number | null;
  pairs: number;
}

/** From run.sqlite's save times: pairs compared, and how long after the last response the last comparison landed. */
function compareTail(runDir: string): { tailS: number | null; pairs: number } {
  const db = new DatabaseSync(join(runDir, 'run.sqlite'), { readOnly: true });
  try {
    const r = db.prepare('SELECT max(saved_at) AS t FROM results').get() as { t: string | null };
    const c = db.prepare('SELECT max(saved_at) AS t, count(*) AS n FROM comparisons').get() as { t: string | null; n: number };
    const tailS = r.t && c.t ? Math.round((Date.parse(c.t) - Date.parse(r.t)) / 100) / 10 : null;
    return { tailS, pairs: Number(c.n) };
  } finally {
    db.close();
  }
}

export async function scaleRun(root: string, cases: number): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-scale-'));
  try {
    const suite = join(dir, 'suite.yaml');
    writeFileSync(suite, scaledSuite(root, cases));
    const out = join(dir, 'run');
    log(`scale: ${cases}-case run (sim time scale 0.001)`);
    const run = await timedCli(root, ['run', '--suite', suite, '--out', out, '--sim-time-scale', '0.001', '--quiet']);
    if (run.code !== 0) throw new Error(`run exited ${run.code}: ${run.stderrTail}`);
    const tail = compareTail(out);
    log(`scale: report DIR`);
    const report = await timedCli(root, ['report', out]);
    if (report.code !== 0) throw new Error(`report exited ${report.code}: ${report.stderrTail}`);
    const htmlMb = statSync(join(out, 'report.html')).size / 2 ** 20;
    return {
      cases,
      runS: Math.round(run.ms / 100) / 10,
      runPeakRssMb: run.peakRssMb,
      reportS: Math.round(report.ms / 100) / 10,
      reportPeakRssMb: report.peakRssMb,
      reportHtmlMb: Math.round(htmlMb * 100) / 100,
      compareTailS: tail.tailS,
      pairs: tail.pairs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function scaleFigures(quick: boolean): Promise<Measurement[]> {
  const r = await scaleRun(HERE, quick ? 100 : 500);
  const one = (name: string, unit: string, v: number, target?: { description: string; pass: boolean }): Measurement => ({
    ...figure(name, unit, [v]),
    ...(target ? { target: { description: target.description }, pass: target.pass } : {}),
    notes: `${r.cases} cases generated from the demo suite, embedded simulators at --sim-time-scale 0.001, one run.`,
  });
  return [
    one(`${r.cases}-case run, wall time (create, send, compare, reports)`, 's', r.runS),
    one(`${r.cases}-case run, peak RSS`, 'MB', r.runPeakRssMb, { description: 'peak RSS < 1024 MB', pass: r.runPeakRssMb < 1024 }),
    one(`last comparison after the last response (${r.pairs} pairs compared)`, 's', r.compareTailS ?? Number.NaN),
    one('omni-review report DIR, wall time', 's', r.reportS, r.cases >= 500 ? { description: '≤ 15 s at 500 cases', pass: r.reportS <= 15 } : undefined),
    one('omni-review report DIR, peak RSS', 'MB', r.reportPeakRssMb),
    one('report.html size', 'MB', r.reportHtmlMb, r.cases >= 500 ? { description: '≤ 8 MB at 500 cases', pass: r.reportHtmlMb <= 8 } : undefined),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '500' }, root: { type: 'string' } } });
  const root = resolve(values.root ?? HERE);
  const result = await scaleRun(root, Number(values.cases));
  process.stdout.write(`${JSON.stringify({ root, ...result })}\n`);
}
