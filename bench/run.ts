/**
 * `npm run bench [-- --only cli,compare,runner,engine,scale,sim,timings,ui,ocr,load] [--quick] [--out FILE]`: speed and memory, each figure with its
 * alternative measured side by side in the same run. One JSON document on stdout (progress on stderr).
 * Bounded loops, loopback only. What the figures mean and what was measured: docs/performance.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOOL_VERSION } from '../core/version.ts';
import { cliFigures } from './cli.ts';
import { compareFigures } from './compare.ts';
import { engineFigures } from './engine.ts';
import { ocrFigures } from './ocr.ts';
import { loadFigures } from './load.ts';
import { withRatio, type Measurement } from './measure.ts';
import { runnerFigures } from './runner.ts';
import { scaleFigures } from './scale.ts';
import { simFigures } from './sim.ts';
import { timingFigures } from './timings.ts';
import { uiFigures } from './ui.ts';

const SECTIONS = ['cli', 'compare', 'runner', 'engine', 'scale', 'sim', 'timings', 'ui', 'ocr', 'load'] as const;
type Section = (typeof SECTIONS)[number];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, out: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write('usage: npm run bench -- [--only cli,compare,runner,engine,scale,sim,timings,ui,ocr,load] [--quick] [--out FILE]\n');
    return 0;
  }
  const only = (values.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim());
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      process.stderr.write(`bench: unknown section "${s}"; use ${SECTIONS.join(', ')}\n`);
      return 2;
    }
  }
  const quick = values.quick ?? false;
  const started = Date.now();
  const results: Record<string, Measurement[]> = {};
  let chromium: string | null = null;
  for (const section of only as Section[]) {
    if (section === 'cli') results.cli = await cliFigures(quick);
    if (section === 'compare') results.compare = await withTempDir((dir) => compareFigures(dir, quick));
    if (section === 'runner') results.runner = await runnerFigures(quick);
    if (section === 'engine') results.engine = await engineFigures(quick);
    if (section === 'scale') results.scale = await scaleFigures(quick);
    if (section === 'sim') results.sim = await simFigures(quick);
    if (section === 'timings') results.timings = await timingFigures(quick);
    if (section === 'ocr') results.ocr = await ocrFigures(quick);
    if (section === 'load') results.load = await loadFigures(quick);
    if (section === 'ui') {
      const ui = await uiFigures(quick);
      results.ui = ui.figures;
      chromium = ui.chromium;
    }
  }
  const cpu = cpus();
  const doc = {
    tool: { name: 'omni-review', version: TOOL_VERSION },
    at: new Date().toISOString(),
    quick,
    durationS: Math.round((Date.now() - started) / 100) / 10,
    machine: { cpus: cpu.length, model: cpu[0]?.model ?? null, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, chromium, loadAverage1mAtEnd: Math.round(loadavg()[0]! * 100) / 100 },
    results: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map(withRatio)])),
    targets: Object.values(results)
      .flat()
      .filter((m) => m.target)
      .map((m) => ({ name: m.name, target: m.target!.description, pass: m.pass ?? false })),
  };
  const json = JSON.stringify(doc, null, 2);
  process.stdout.write(`${json}\n`);
  if (values.out) writeFileSync(values.out, `${json}\n`);
  return 0;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
