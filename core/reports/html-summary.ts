/** report.html header cards: the two backends, end-to-end latency, stage means, pair counts and review statistics. */
import type { Report, ReportBackend } from '../../shared/report.ts';
import { formatInterval, formatKappa, formatRate, formatShare, JUDGEMENT_LABELS, JUDGEMENTS, positionBiasSuspected } from '../../shared/review-stats.ts';
import { orderedStageNames } from '../../shared/stages.ts';
import { html, type Html } from './escape.ts';
import { formatImprovementLine, formatMb, formatMs, formatNumber, formatPercent, formatSeconds } from './format.ts';
import { stageBar, stageSum, swatch } from './html-parts.ts';

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
    <dt>concurrency</dt><dd>${b.concurrency} · timeout ${formatSeconds(b.timeoutMs, 0)}</dd>
    ${b.faults ? html`<dt>faults</dt><dd><code>${b.faults}</code></dd>` : ''}
  </dl>
</div>`;
}

export function e2eTable(report: Report): Html {
  const { summary } = report;
  const paired = summary.pairedE2eMs;
  const stats = paired ?? summary.e2eMs;
  const rows = (['mean', 'p50', 'p95'] as const).map((k) => {
    const a = stats.A[k];
    const b = stats.B[k];
    const diff = a !== null && b !== null ? b - a : null;
    const imp = a !== null && b !== null && b > 0 ? (b - a) / b : null;
    return html`<tr><th>${k}</th><td>${formatSeconds(a)}</td><td>${formatSeconds(b)}</td><td>${formatSeconds(diff)}</td><td class="${imp !== null && imp < 0 ? 'worse' : ''}">${formatPercent(imp)}</td></tr>`;
  });
  const headline = paired
    ? formatImprovementLine(paired.A.mean, paired.B.mean, summary.improvement)
    : formatImprovementLine(summary.e2eMs.A.mean, summary.e2eMs.B.mean, summary.improvement);
  return html`<div class="card">
  <h3>End-to-end latency</h3>
  <p class="headline ${summary.improvement !== null && summary.improvement < 0 ? 'worse' : ''}">${headline}</p>
  <p class="muted">A vs B ${paired ? html`over the ${paired.A.n} pairs where both sides succeeded` : 'over successful jobs'}; improvement = (B − A) / B.</p>
  <table class="num">
    <thead><tr><th></th><th>A</th><th>B</th><th>B − A</th><th>improvement</th></tr></thead>
    <tbody>${rows}<tr><th>n</th><td>${stats.A.n}</td><td>${stats.B.n}</td><td></td><td></td></tr></tbody>
  </table>
  ${paired ? html`<p class="muted">All successful jobs: A n=${summary.e2eMs.A.n}, mean ${formatSeconds(summary.e2eMs.A.mean)} · B n=${summary.e2eMs.B.n}, mean ${formatSeconds(summary.e2eMs.B.mean)}</p>` : ''}
</div>`;
}

export function stageSummary(report: Report): Html {
  const { stageMeansMs, e2eMs, peakMemoryMb } = report.summary;
  const names = orderedStageNames([...Object.keys(stageMeansMs.A), ...Object.keys(stageMeansMs.B)]);
  const scale = Math.max(stageSum(stageMeansMs.A), stageSum(stageMeansMs.B), e2eMs.A.mean ?? 0, e2eMs.B.mean ?? 0);
  return html`<div class="card">
  <h3>Stages (mean per successful job)</h3>
  <div class="bars">
    <div><span class="side">A</span>${stageBar(stageMeansMs.A, e2eMs.A.mean, scale, 'A mean stage durations')}</div>
    <div><span class="side">B</span>${stageBar(stageMeansMs.B, e2eMs.B.mean, scale, 'B mean stage durations')}</div>
  </div>
  ${names.length
    ? html`<table class="num stages"><thead><tr><th>stage</th><th>A</th><th>B</th></tr></thead><tbody>${names.map(
        (n) => html`<tr><th>${swatch(n)} ${n}</th><td>${formatMs(stageMeansMs.A[n] ?? null)}</td><td>${formatMs(stageMeansMs.B[n] ?? null)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No stage timings reported.</p>`}
  <p>Peak memory: A ${formatMb(peakMemoryMb.A)} · B ${formatMb(peakMemoryMb.B)}</p>
</div>`;
}

export function qualitySummary(report: Report): Html {
  const s = report.summary;
  const verdicts = Object.entries(s.verdicts);
  return html`<div class="card">
  <h3>Pairs</h3>
  <p>${s.pairs} pairs · ${s.bothOk} with both sides ok · errors A ${s.errors.A}, B ${s.errors.B}</p>
  <p>Mean A↔B changed pixels ${formatPercent(s.meanDiffRatio)} · mean SSIM ${formatNumber(s.meanSsim, 4)}</p>
  <p>Verdicts: ${verdicts.some(([, n]) => n > 0) ? verdicts.map(([v, n]) => html`<span class="chip">${v} ${n}</span> `) : 'none yet'}</p>
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
