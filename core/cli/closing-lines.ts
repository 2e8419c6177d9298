/**
 * The lines `run` and `report` end with (issue 13): counts, p50 / p95 per side on the one unit rule, the quality
 * medians, where the reports are, and last the plain-language headline, so the terminal's final line concludes.
 */
import { join } from 'node:path';
import { SIDES } from '../../shared/model.ts';
import { headline } from '../../shared/headline.ts';
import type { Report } from '../../shared/report.ts';
import { headlineInput } from '../../shared/run-summary.ts';
import { formatSpeedup } from '../../shared/speedup.ts';
import { COMPARED_STAGES } from '../../shared/timing-breakdown.ts';
import { formatDuration, formatPercent } from '../../shared/units.ts';
import { formatSpeedupLine } from '../reports/format.ts';
import { displayPath } from './paths.ts';

/** "; compared server stages (text_encode, denoise): A 1.38× faster" over the stages both sides report, when any. */
function comparedStages(report: Report): string {
  const a = report.summary.bucketMeansMs?.A;
  const b = report.summary.bucketMeansMs?.B;
  if (!a || !b) return '';
  const both = COMPARED_STAGES.filter((k) => a[k] !== undefined && b[k] !== undefined);
  if (both.length === 0) return '';
  const sum = (m: Record<string, number>): number => both.reduce((t, k) => t + (m[k] ?? 0), 0);
  const s = formatSpeedup(sum(a), sum(b));
  return s === null ? '' : `; compared server stages (${both.join(', ')}): ${s}`;
}

function medianSummary(report: Report): string {
  const all = report.summary.categories?.find((r) => r.key === 'all');
  if (all) return `A↔B changed pixels, median ${formatPercent(all.diffMedian)} · SSIM, median ${all.ssimMedian === null ? '—' : all.ssimMedian.toFixed(3)}`;
  return `A↔B changed pixels, mean ${formatPercent(report.summary.meanDiffRatio)} · SSIM, mean ${report.summary.meanSsim === null ? '—' : report.summary.meanSsim.toFixed(3)}`;
}

export function closingLines(report: Report, dir: string): string[] {
  const s = report.summary;
  const paired = s.pairedE2eMs ?? s.e2eMs;
  const lines = [
    `pairs: ${s.pairs} · both ok: ${s.bothOk} · errors: A ${s.errors.A}, B ${s.errors.B}`,
    `e2e over ${paired.A.n} pairs where both sides are ok: p50 A ${formatDuration(paired.A.p50)}, B ${formatDuration(paired.B.p50)} · p95 A ${formatDuration(paired.A.p95)}, B ${formatDuration(paired.B.p95)}`,
    `speed-up, mean e2e: ${formatSpeedupLine(paired.A.mean, paired.B.mean)}${comparedStages(report)}`,
    medianSummary(report),
  ];
  const sims = SIDES.filter((side) => report.run.backends[side].simulated);
  if (sims.length) lines.push(`note: ${sims.join(' and ')} ${sims.length > 1 ? 'are' : 'is'} SIMULATED — timings and images are not real model output`);
  lines.push(`report: ${displayPath(join(dir, 'report.html'))} · ${displayPath(join(dir, 'report.md'))} (source of truth: ${displayPath(join(dir, 'report.json'))})`);
  // Last, so the terminal ends on the conclusion (a report.json from before issue 13 has none stored: compute it).
  const h = s.headline ?? headline(headlineInput(report.pairs));
  lines.push(`headline: ${h.full}`);
  return lines;
}
