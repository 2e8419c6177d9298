/**
 * `npx node scripts/check-report.ts RUN/report.json` (the pinned Node): the acceptance check of a review pass. The report must be
 * valid, every pair ok on both sides with an image that exists, stage timings and an e2e time on both sides,
 * and diff metrics for every pair. Prints one summary line, or every failure (pair and field); exit 0 / 1.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Report } from '../shared/report.ts';
import { loadReport } from '../core/reports/write.ts';

/** Every problem with a loaded report, as "pair key: field: what is wrong". Empty when it passes. */
export function reportProblems(report: Report, reportDir: string): string[] {
  const problems: string[] = [];
  if (report.pairs.length === 0) problems.push('report has no pairs');
  if (report.run.status !== 'complete') problems.push(`run.status: expected complete, got ${report.run.status}`);
  for (const pair of report.pairs) {
    const at = (field: string, what: string) => problems.push(`${pair.key}: ${field}: ${what}`);
    for (const side of ['A', 'B'] as const) {
      const s = pair[side];
      if (s.status !== 'ok') {
        at(`${side}.status`, `expected ok, got ${s.status}${s.error ? ` (${s.error.message})` : ''}`);
        continue;
      }
      if (!s.image) at(`${side}.image`, 'missing');
      else if (!existsSync(resolve(reportDir, s.image))) at(`${side}.image`, `file not found: ${s.image}`);
      if (!s.width || !s.height) at(`${side}.width/height`, 'missing');
      if (s.timings.e2eMs === null || !(s.timings.e2eMs > 0)) at(`${side}.timings.e2eMs`, `expected a positive number, got ${s.timings.e2eMs}`);
      if (Object.keys(s.timings.stages).length === 0) at(`${side}.timings.stages`, 'no stage timings');
    }
    const d = pair.diff;
    if (!d) {
      at('diff', 'missing');
      continue;
    }
    if (d.pixels === null) at('diff.pixels', 'missing');
    if (d.ratio === null) at('diff.ratio', 'missing');
    if (!d.heatmap) at('diff.heatmap', 'missing');
    else if (!existsSync(resolve(reportDir, d.heatmap))) at('diff.heatmap', `file not found: ${d.heatmap}`);
    if (d.ssim === null) at('diff.ssim', 'missing');
    // PSNR is infinite (stored as null) only for identical images.
    if (d.psnr === null && !d.identical) at('diff.psnr', 'missing');
  }
  return problems;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1) {
    console.error('usage: npx node scripts/check-report.ts RUN_FOLDER/report.json');
    return 2;
  }
  const path = resolve(argv[0]!);
  let report: Report;
  try {
    report = await loadReport(path);
  } catch (err) {
    console.error(`check-report: ${(err as Error).message}`);
    return 1;
  }
  const problems = reportProblems(report, dirname(path));
  if (problems.length) {
    console.error(`check-report: ${problems.length} problem(s) in ${argv[0]}:`);
    for (const p of problems) console.error(`  ${p}`);
    return 1;
  }
  const s = report.summary;
  const sim = (['A', 'B'] as const).filter((x) => report.run.backends[x].simulated);
  console.log(
    `check-report: ok: ${report.pairs.length} pairs, both sides ok with stage timings, diff metrics for every pair; ` +
      `mean e2e A ${s.e2eMs.A.mean?.toFixed(0)} ms vs B ${s.e2eMs.B.mean?.toFixed(0)} ms` +
      (sim.length ? ` (simulated: ${sim.join(', ')})` : ''),
  );
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
