/** report.html's conclusions (issue 13): the headline first, then the per-category / per-language table. */
import { headline as makeHeadline } from '../../shared/headline.ts';
import { formatShareBracket } from '../../shared/headline.ts';
import type { Report } from '../../shared/report.ts';
import { JUDGEMENT_LABELS, JUDGEMENTS } from '../../shared/review-stats.ts';
import { headlineInput, summaryRows, type SummaryRow } from '../../shared/run-summary.ts';
import { formatRatio, formatSpeedup, speedTone } from '../../shared/speedup.ts';
import { formatCount, formatDuration, formatPercent } from '../../shared/units.ts';
import { html, type Html } from './escape.ts';

/** The stored headline, or one computed from the pairs for a report.json written before issue 13. */
export function reportHeadline(report: Report) {
  return report.summary.headline ?? makeHeadline(headlineInput(report.pairs));
}

export function reportRows(report: Report): SummaryRow[] {
  return report.summary.categories ?? summaryRows(report.pairs);
}

export function headlineCard(report: Report): Html {
  const h = reportHeadline(report);
  const tone = h.tone === null ? '' : h.tone === 'even' ? 'a-even' : h.tone;
  return html`<section class="card wide conclusion" id="headline">
  <h2>Headline</h2>
  <p class="headline ${tone}">${h.speed}</p>
  <p class="headline-review">${h.review}</p>
  ${h.text ? html`<p class="headline-text">${h.text}</p>` : ''}
</section>`;
}

function toneOf(r: SummaryRow): string {
  const t = speedTone(r.e2eMs.A.p50, r.e2eMs.B.p50);
  return t === null ? '' : t === 'even' ? 'a-even' : t;
}

export function categoryCard(report: Report): Html {
  const rows = reportRows(report);
  const withText = rows.some((r) => r.text !== null);
  return html`<section class="card wide" id="by-category">
  <h3>By category and language</h3>
  <p class="muted">Latency over the pairs where both sides succeeded; speed-up = B p50 / A p50 (green: A faster, red: A slower). Verdict shares with 95 % bootstrap intervals over pairs, none below 5 judged pairs.${withText ? ' Text pass rate: share of checked pairs whose text passed, with a 95 % Wilson interval.' : ''} Diff = median share of changed pixels A↔B.</p>
  <table class="num summary">
    <thead>
      <tr><th rowspan="2">group</th><th rowspan="2">pairs</th><th colspan="2">A</th><th colspan="2">B</th><th rowspan="2">speed-up (p50)</th><th colspan="${JUDGEMENTS.length}" class="verdict-share">verdicts</th>${withText ? html`<th colspan="2">text pass</th>` : ''}<th rowspan="2">diff</th><th rowspan="2">SSIM</th><th rowspan="2">errors A / B</th></tr>
      <tr><th>p50</th><th>p95</th><th>p50</th><th>p95</th>${JUDGEMENTS.map((j) => html`<th class="verdict-share">${JUDGEMENT_LABELS[j]}</th>`)}${withText ? html`<th>A</th><th>B</th>` : ''}</tr>
    </thead>
    <tbody>${rows.map(
      (r) => html`<tr class="${r.kind === 'all' ? 'total' : r.kind === 'turn' || r.language !== null ? 'sub' : ''}" data-row="${r.key}">
      <th>${r.label}</th><td>${formatCount(r.pairs)}</td>
      <td>${formatDuration(r.e2eMs.A.p50)}</td><td>${formatDuration(r.e2eMs.A.p95)}</td><td>${formatDuration(r.e2eMs.B.p50)}</td><td>${formatDuration(r.e2eMs.B.p95)}</td>
      <td class="${toneOf(r)}" title="${formatSpeedup(r.e2eMs.A.p50, r.e2eMs.B.p50) ?? ''}">${formatRatio(r.e2eMs.A.p50, r.e2eMs.B.p50) ?? '—'}</td>
      ${JUDGEMENTS.map((j) => html`<td class="verdict-share">${r.judged === 0 ? '—' : formatShareBracket(r.rates[j])}</td>`)}
      ${withText ? html`<td>${r.text ? formatShareBracket(r.text.A) : '—'}</td><td>${r.text ? formatShareBracket(r.text.B) : '—'}</td>` : ''}
      <td>${formatPercent(r.diffMedian)}</td><td>${r.ssimMedian === null ? '—' : r.ssimMedian.toFixed(3)}</td>
      <td class="${r.errors.A + r.errors.B > 0 ? 'warn' : ''}">${r.errors.A} / ${r.errors.B}</td>
    </tr>`,
    )}</tbody>
  </table>
</section>`;
}
