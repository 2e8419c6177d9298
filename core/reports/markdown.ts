/**
 * report.md: what the team pastes into its notes (issue 13). GitHub-flavoured Markdown rendered from report.json:
 * the headline, the per-category / per-language table, the speed table, and the worst pairs with links to their
 * images relative to the run folder (report.md sits beside report.json, so report-relative paths resolve).
 *
 * Every string from a suite or a backend goes through `mdText` (table pipes, emphasis, links and raw HTML are
 * escaped): a prompt cannot break a table or inject markup.
 */
import { headline as makeHeadline } from '../../shared/headline.ts';
import type { Report, ReportPair } from '../../shared/report.ts';
import { JUDGEMENT_LABELS, JUDGEMENTS } from '../../shared/review-stats.ts';
import { CATEGORY_LABELS, headlineInput, summaryRows, type SummaryRow } from '../../shared/run-summary.ts';
import { formatRatio, formatSpeedup } from '../../shared/speedup.ts';
import { COMPARED_STAGES } from '../../shared/timing-breakdown.ts';
import { formatCount, formatDuration, formatMemory, formatPercent } from '../../shared/units.ts';
import { formatShareBracket } from '../../shared/headline.ts';
import { safeRelativeHref } from './html-parts.ts';
import { verdictWords } from './html-pairs.ts';

/**
 * Text safe inside a Markdown paragraph or table cell (never at a line start, where # or > would count): no
 * emphasis, code, link or table break, no raw HTML, one line.
 */
export function mdText(value: string): string {
  return value
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

function table(head: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const sep = head.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}

/** A link to a report-relative file, or plain words when the path is not a safe relative path. */
function fileLink(label: string, rel: string | null): string {
  if (rel === null) return '—';
  const href = safeRelativeHref(rel);
  return href === null ? mdText(label) : `[${mdText(label)}](${href})`;
}

function speedCell(row: SummaryRow): string {
  return formatSpeedup(row.e2eMs.A.p50, row.e2eMs.B.p50) ?? '—';
}

export function categoryTable(rows: readonly SummaryRow[]): string {
  const withText = rows.some((r) => r.text !== null);
  const head = [
    'group',
    'pairs',
    'A p50',
    'A p95',
    'B p50',
    'B p95',
    'speed-up (p50)',
    ...JUDGEMENTS.map((j) => JUDGEMENT_LABELS[j]),
    ...(withText ? ['text pass A', 'text pass B'] : []),
    'diff median',
    'SSIM median',
    'errors A / B',
  ];
  const body = rows.map((r) => [
    r.kind === 'all' ? `**${mdText(r.label)}**` : mdText(r.label),
    formatCount(r.pairs),
    formatDuration(r.e2eMs.A.p50),
    formatDuration(r.e2eMs.A.p95),
    formatDuration(r.e2eMs.B.p50),
    formatDuration(r.e2eMs.B.p95),
    speedCell(r),
    ...JUDGEMENTS.map((j) => (r.judged === 0 ? '—' : formatShareBracket(r.rates[j]))),
    ...(withText ? [r.text ? formatShareBracket(r.text.A) : '—', r.text ? formatShareBracket(r.text.B) : '—'] : []),
    formatPercent(r.diffMedian),
    r.ssimMedian === null ? '—' : r.ssimMedian.toFixed(3),
    `${r.errors.A} / ${r.errors.B}`,
  ]);
  return table(head, body, head.map((_, i) => (i === 0 ? 'l' : 'r')));
}

function stageTable(report: Report): string | null {
  const buckets = report.summary.bucketMeansMs;
  if (!buckets) return null;
  const names = COMPARED_STAGES.filter((n) => buckets.A[n] !== undefined && buckets.B[n] !== undefined);
  if (names.length === 0) return null;
  const rows = names.map((n) => [n, formatDuration(buckets.A[n]), formatDuration(buckets.B[n]), formatRatio(buckets.A[n], buckets.B[n]) ?? '—', formatSpeedup(buckets.A[n], buckets.B[n]) ?? '—']);
  return table(['stage (mean)', 'A', 'B', 'B / A', 'speed-up'], rows, ['l', 'r', 'r', 'r', 'l']);
}

interface Ranked {
  pair: ReportPair;
  why: string;
  score: number;
}

/**
 * The pairs a reader should look at first: failures, then pairs reviewers judged bad for A (B better, both bad),
 * then the largest A↔B differences. At most `limit`.
 */
export function worstPairs(report: Report, limit = 10): Ranked[] {
  const ranked: Ranked[] = [];
  for (const pair of report.pairs) {
    const failed = (['A', 'B'] as const).filter((s) => pair[s].status === 'error');
    const latest = pair.verdicts.at(-1)?.verdict;
    const diff = pair.diff?.ratio ?? null;
    if (failed.length) ranked.push({ pair, why: `${failed.join(' and ')} failed`, score: 3 });
    else if (latest === 'both_bad' || latest === 'B_better') ranked.push({ pair, why: `verdict: ${verdictWords(latest)}`, score: 2 });
    else if (diff !== null && diff > 0) ranked.push({ pair, why: `A↔B changed ${formatPercent(diff)}`, score: 1 + Math.min(diff, 0.99) });
  }
  return ranked.sort((a, b) => b.score - a.score).slice(0, limit);
}

function worstTable(report: Report): string {
  const worst = worstPairs(report);
  if (worst.length === 0) return '_No failed, badly judged or differing pairs._';
  const rows = worst.map(({ pair: p, why }) => [
    `${mdText(p.caseId)} · turn ${p.turn}${p.repeat > 1 ? ` · repeat ${p.repeat}` : ''}`,
    CATEGORY_LABELS[p.category],
    mdText(why),
    mdText(p.prompt.length > 90 ? `${p.prompt.slice(0, 89)}…` : p.prompt),
    `${fileLink('A', p.A.image)} ${p.A.status === 'ok' ? formatDuration(p.A.timings.e2eMs) : mdText(p.A.status)}`,
    `${fileLink('B', p.B.image)} ${p.B.status === 'ok' ? formatDuration(p.B.timings.e2eMs) : mdText(p.B.status)}`,
    fileLink('heatmap', p.diff?.heatmap ?? null),
    p.diff?.ssim === null || p.diff?.ssim === undefined ? '—' : p.diff.ssim.toFixed(3),
  ]);
  return table(['pair', 'category', 'why', 'prompt', 'A', 'B', 'A↔B', 'SSIM'], rows, ['l', 'l', 'l', 'l', 'l', 'l', 'l', 'r']);
}

export function renderMarkdownReport(report: Report): string {
  const run = report.run;
  const s = report.summary;
  const h = s.headline ?? makeHeadline(headlineInput(report.pairs));
  const rows = s.categories ?? summaryRows(report.pairs);
  const simulated = (['A', 'B'] as const).filter((side) => run.backends[side].simulated);
  const stages = stageTable(report);
  const out: string[] = [
    `# Omni Review · ${mdText(run.suite.name)}`,
    '',
    ...(simulated.length ? [`> **SIMULATED:** ${simulated.join(' and ')} ${simulated.length > 1 ? 'are' : 'is'} the embedded simulator; timings and images are synthetic.`, ''] : []),
    `**${mdText(h.speed)}** ${mdText(h.review)}${h.text ? ` ${mdText(h.text)}` : ''}`,
    '',
    `Run \`${run.id.replace(/`/g, '')}\` · created ${mdText(run.createdAt)} · ${run.status} · suite ${mdText(run.suite.source)} (${run.suite.cases} cases) · repeats ${run.params.repeats}`,
    '',
    `- **A:** ${mdText(run.backends.A.label)} (${run.backends.A.kind}) · peak memory ${formatMemory(s.peakMemoryMb.A)}`,
    `- **B:** ${mdText(run.backends.B.label)} (${run.backends.B.kind}) · peak memory ${formatMemory(s.peakMemoryMb.B)}`,
    `- ${formatCount(s.pairs)} pairs · ${formatCount(s.bothOk)} with both sides ok · errors A ${s.errors.A}, B ${s.errors.B}`,
    '',
    '## By category and language',
    '',
    'Latency over the pairs where both sides succeeded; speed-up = B p50 / A p50. Verdict shares with 95 % bootstrap intervals over pairs (none below 5 judged pairs). Diff = share of changed pixels A↔B.',
    '',
    categoryTable(rows),
    '',
    ...(stages ? ['## Compared server stages', '', stages, ''] : []),
    '## Worst pairs',
    '',
    'Failures first, then pairs judged "B better" or "both bad", then the largest A↔B differences. Links open the images beside this file.',
    '',
    worstTable(report),
    '',
    `_Generated ${mdText(report.generatedAt)} by omni-review ${mdText(report.tool.version)} from report.json._`,
    '',
  ];
  return out.join('\n');
}
