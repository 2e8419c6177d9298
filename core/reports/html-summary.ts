/** report.html header cards: the two backends, end-to-end latency, stage means, pair counts and review statistics. */
import type { Report, ReportBackend } from '../../shared/report.ts';
import { formatInterval, formatKappa, formatRate, formatShare, JUDGEMENT_LABELS, JUDGEMENTS, positionBiasSuspected } from '../../shared/review-stats.ts';
import { orderedStageNames } from '../../shared/stages.ts';
import { html, type Html } from './escape.ts';
import { formatNumber, formatSpeedupLine } from './format.ts';
import { formatDuration, formatMemory, formatPercent } from '../../shared/units.ts';
import { formatDiffMs, formatSpeedup, speedTone } from '../../shared/speedup.ts';
import { BUCKET_LABELS, COMPARED_STAGES, orderedDetail, PROFILER_KEY } from '../../shared/timing-breakdown.ts';
import { stageBar, stageSum, swatch } from './html-parts.ts';
import { verdictWords } from './html-pairs.ts';

export function backendCard(side: 'A' | 'B', b: ReportBackend): Html {
  const s = b.server;
  return html`<div class="card backend">
  <h3>${side} · ${b.label} ${b.simulated ? html`<span class="badge sim" title="Embedded simulator: timings and images are synthetic">SIMULATED</span>` : ''}</h3>
  <dl>
    <dt>kind</dt><dd>${b.kind}</dd>
    <dt>url</dt><dd><code>${b.url}</code></dd>
    <dt>server</dt><dd>${s ? html`${s.generation}${s.model ? html` · <code>${s.model}</code>` : ''}` : 'not detected'}</dd>
    ${s ? html`<dt>paths</dt><dd>edit <code>${s.editPath ?? '—'}</code> · generate <code>${s.generatePath ?? '—'}</code></dd>` : ''}
    ${s && s.notes.length ? html`<dt>notes</dt><dd><ul>${s.notes.map((n) => html`<li>${n}</li>`)}</ul></dd>` : ''}
    <dt>concurrency</dt><dd>${b.concurrency} · timeout ${formatDuration(b.timeoutMs)}</dd>
    ${b.faults ? html`<dt>faults</dt><dd><code>${b.faults}</code></dd>` : ''}
  </dl>
</div>`;
}

/** The one colour rule (shared/speedup.ts): green = A faster, red = A slower, on every screen and report. */
function toneClass(a: number | null | undefined, b: number | null | undefined): string {
  const t = speedTone(a, b);
  return t === null ? '' : t === 'even' ? 'a-even' : t;
}

function speedCell(a: number | null | undefined, b: number | null | undefined): Html {
  const text = formatSpeedup(a, b);
  return html`<td class="${toneClass(a, b)}">${text ?? '—'}</td>`;
}

export function e2eTable(report: Report): Html {
  const { summary } = report;
  const paired = summary.pairedE2eMs;
  const stats = paired ?? summary.e2eMs;
  const rows = (['mean', 'p50', 'p95'] as const).map((k) => {
    const a = stats.A[k];
    const b = stats.B[k];
    return html`<tr><th>${k}</th><td>${formatDuration(a)}</td><td>${formatDuration(b)}</td><td>${formatDiffMs(a, b) ?? '—'}</td>${speedCell(a, b)}</tr>`;
  });
  const headline = paired ? formatSpeedupLine(paired.A.mean, paired.B.mean) : formatSpeedupLine(summary.e2eMs.A.mean, summary.e2eMs.B.mean);
  const hl = paired ?? summary.e2eMs;
  return html`<div class="card">
  <h3>End-to-end latency</h3>
  <p class="headline ${toneClass(hl.A.mean, hl.B.mean)}">${headline}</p>
  <p class="muted">A vs B ${paired ? html`over the ${paired.A.n} pairs where both sides succeeded` : 'over successful jobs'}; speed-up = B / A (green: A faster, red: A slower). Improvement (B − A) / B: ${formatPercent(summary.improvement)} (also in report.csv and report.json).</p>
  <table class="num">
    <thead><tr><th></th><th>A</th><th>B</th><th>A − B</th><th>speed-up</th></tr></thead>
    <tbody>${rows}<tr><th>n</th><td>${stats.A.n}</td><td>${stats.B.n}</td><td></td><td></td></tr></tbody>
  </table>
  ${paired ? html`<p class="muted">All successful jobs: A n=${summary.e2eMs.A.n}, mean ${formatDuration(summary.e2eMs.A.mean)} · B n=${summary.e2eMs.B.n}, mean ${formatDuration(summary.e2eMs.B.mean)}</p>` : ''}
</div>`;
}

/**
 * The stage table, like for like: the compared profiler stages (a speed-up only where both sides report the stage),
 * then every other bucket of the request so the rows add up to e2e, then B's own finer timings, labelled as detail.
 */
export function stageSummary(report: Report): Html {
  const { stageMeansMs, e2eMs, peakMemoryMb, pairedE2eMs } = report.summary;
  const buckets = report.summary.bucketMeansMs ?? stageMeansMs;
  const detail = report.summary.detailMeansMs;
  const barsOf = (m: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'not_reported' && k !== 'client_queue'));
  const e2e = pairedE2eMs ?? e2eMs;
  const scale = Math.max(stageSum(barsOf(buckets.A)), stageSum(barsOf(buckets.B)), e2e.A.mean ?? 0, e2e.B.mean ?? 0);
  const compared = COMPARED_STAGES.filter((n) => buckets.A[n] !== undefined || buckets.B[n] !== undefined);
  const extraStages = orderedStageNames([...Object.keys(buckets.A), ...Object.keys(buckets.B)]).filter(
    (n) => !(COMPARED_STAGES as readonly string[]).includes(n) && !(n in BUCKET_LABELS),
  );
  const cell = (m: Record<string, number>, k: string): Html => html`<td>${m[k] === undefined ? html`<span class="muted">not reported</span>` : formatDuration(m[k])}</td>`;
  const row = (n: string, label: string | Html, cls = ''): Html => {
    const a = buckets.A[n];
    const b = buckets.B[n];
    const both = a !== undefined && b !== undefined;
    // `not reported` is a gap in what a server says, not a speed: its difference, never a ratio.
    const ratio = both && n !== 'not_reported' ? speedCell(a, b) : html`<td class="muted">${both || (a === undefined && b === undefined) ? '—' : 'one side only'}</td>`;
    return html`<tr class="${cls}"><th>${swatch(n)} ${label}</th>${cell(buckets.A, n)}${cell(buckets.B, n)}<td>${both ? (formatDiffMs(a, b) ?? '—') : '—'}</td>${ratio}</tr>`;
  };
  const client = ['client_queue', 'upload', 'other_server', 'not_reported', 'download'].filter((k) => buckets.A[k] !== undefined || buckets.B[k] !== undefined);
  const detailNames = detail ? orderedDetail(detail.B).map(([k]) => k) : [];
  const total = (m: Record<string, number>): number => Object.values(m).reduce((t, v) => t + v, 0);
  return html`<div class="card wide">
  <h3>Where the time goes (mean per request, pairs where both sides succeeded)</h3>
  <div class="bars">
    <div><span class="side">A</span>${stageBar(barsOf(buckets.A), e2e.A.mean, scale, 'A mean buckets')}</div>
    <div><span class="side">B</span>${stageBar(barsOf(buckets.B), e2e.B.mean, scale, 'B mean buckets')}</div>
  </div>
  <table class="num stages"><thead><tr><th>bucket</th><th>A</th><th>B</th><th>A − B</th><th>speed-up</th></tr></thead><tbody>
    <tr class="group"><th colspan="5">Compared server stages: vLLM-Omni profiler keys, reported by both servers</th></tr>
    ${compared.length ? compared.map((n) => row(n, html`${n} <span class="muted">(${PROFILER_KEY[n]})</span>`)) : html`<tr><td colspan="5" class="muted">No server reported stage_durations (vLLM-Omni needs --enable-diffusion-pipeline-profiler).</td></tr>`}
    ${extraStages.map((n) => row(n, n, 'sub'))}
    <tr class="group"><th colspan="5">The rest of each request</th></tr>
    ${client.map((k) => row(k, BUCKET_LABELS[k] ?? k, 'sub'))}
    <tr><th>sum = e2e</th><td>${formatDuration(total(buckets.A))}</td><td>${formatDuration(total(buckets.B))}</td><td>${formatDiffMs(total(buckets.A), total(buckets.B)) ?? '—'}</td>${speedCell(total(buckets.A), total(buckets.B))}</tr>
  </tbody></table>
  ${detailNames.length && detail
    ? html`<table class="num stages detail"><thead><tr><th colspan="2">B detail: the baseline's own metrics.timings (its own definitions, not compared with A)</th></tr></thead><tbody>${detailNames.map(
        (k) => html`<tr class="sub"><th>${k}</th><td>${formatDuration(detail.B[k] ?? null)}</td></tr>`,
      )}</tbody></table>`
    : ''}
  <p class="muted">other (server) = the server's own total (the pipeline's forward) − its stages; not reported = the client's wait for the answer that the server's figures do not cover (HTTP handling, pre- and post-processing outside the pipeline, loopback).</p>
  <p>Peak memory: A ${formatMemory(peakMemoryMb.A)} · B ${formatMemory(peakMemoryMb.B)}</p>
</div>`;
}

export function qualitySummary(report: Report): Html {
  const s = report.summary;
  const verdicts = Object.entries(s.verdicts);
  return html`<div class="card">
  <h3>Pairs</h3>
  <p>${s.pairs} pairs · ${s.bothOk} with both sides ok · errors A ${s.errors.A}, B ${s.errors.B}</p>
  <p>Mean A↔B changed pixels ${formatPercent(s.meanDiffRatio)} · mean SSIM ${formatNumber(s.meanSsim, 4)}</p>
  <p>Verdicts: ${verdicts.some(([, n]) => n > 0) ? verdicts.map(([v, n]) => html`<span class="chip">${verdictWords(v)} ${n}</span> `) : 'none yet'}</p>
</div>`;
}

/** Rates with bootstrap intervals, position bias and agreement; absent from reports written before v1.1. */
export function reviewSummary(report: Report): Html {
  const r = report.summary.review;
  if (!r || r.judgements === 0) return html``;
  const { agreement: ag, leftWins } = r;
  return html`<div class="card" id="review-stats">
  <h3>Review</h3>
  <p class="muted">${r.judgements} judgements on ${r.pairsJudged} pairs by ${r.reviewers.length} reviewer${r.reviewers.length === 1 ? '' : 's'} (latest per reviewer; skips left out).</p>
  <table class="num"><thead><tr><th>verdict</th><th>n</th><th>share</th><th title="percentile bootstrap over pairs, ${r.bootstrap.resamples} resamples">95 % CI</th></tr></thead><tbody>${JUDGEMENTS.map(
    (j) => html`<tr><th>${JUDGEMENT_LABELS[j]}</th><td>${r.rates[j].k}</td><td>${formatRate(r.rates[j])}</td><td>${formatInterval(r.rates[j])}</td></tr>`,
  )}</tbody></table>
  <p>Position bias (blind, decisive verdicts): ${leftWins.n === 0 ? html`<span class="muted">no blind A/B-better verdicts yet</span>` : html`left side won ${formatShare(leftWins)} of ${leftWins.n}${positionBiasSuspected(leftWins) ? html` <span class="warn">the interval excludes 50 %: layout may be deciding</span>` : ''}`}</p>
  <p>Agreement: ${ag.pairs === 0 ? html`<span class="muted">no pair judged by two reviewers yet</span>` : html`${ag.pairs} pairs with ≥ 2 reviewers · observed ${formatPercent(ag.observed, 0)} · Fleiss ${formatKappa(ag.fleissKappa)}${ag.cohen.map(
      (c) => html`<br><span class="muted">Cohen ${c.reviewers[0]} ↔ ${c.reviewers[1]}: ${formatKappa(c.kappa)} over ${c.n} pairs</span>`,
    )}`}</p>
</div>`;
}
