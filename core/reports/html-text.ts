/**
 * The report's text-rendering section (issue 11): per side and language, the pass rate and the mean CER with
 * their 95 % intervals; how often A and B pass or fail together; and every failing output with crops of the
 * text regions OCR read, the expected text and what was read, and the suggested tags.
 *
 * Crops are SVG viewports onto the full-size output beside the report (an <image> in a <svg> whose viewBox is the
 * OCR box): no pixels are copied and the page's CSP (no inline styles) holds.
 */
import type { Report, ReportPair } from '../../shared/report.ts';
import type { IntervalValue, TextGroupSummary } from '../../shared/text-summary.ts';
import { formatPercent } from '../../shared/units.ts';
import { html, type Html } from './escape.ts';
import { safeRelativeHref } from './html-parts.ts';

const LANG_NAMES: Record<string, string> = { en: 'English', zh: 'Chinese', mixed: 'mixed' };
/** Crops are drawn at most this tall and wide (CSS px), and at most this many per output. */
const CROP_HEIGHT = 48;
const CROP_MAX_WIDTH = 360;
const CROPS_PER_OUTPUT = 4;

function interval(v: IntervalValue): Html {
  if (v.value === null) return html`<span class="muted">--</span>`;
  return html`${formatPercent(v.value)}${v.lo !== null && v.hi !== null ? html` <span class="muted">[${formatPercent(v.lo)}–${formatPercent(v.hi)}]</span>` : ''}`;
}

function row(side: string, lang: string, g: TextGroupSummary): Html {
  return html`<tr><td>${side}</td><td>${lang}</td><td class="num">${g.pass}/${g.n}</td><td class="num">${interval(g.passRate)}</td><td class="num">${interval(g.meanCer)}</td></tr>`;
}

function crops(p: ReportPair, side: 'A' | 'B'): Html[] {
  const s = p[side];
  const href = s.image === null ? null : safeRelativeHref(s.image);
  if (!s.text || href === null) return [];
  const lines = (s.text.usedLines.length > 0 ? s.text.usedLines.map((i) => s.text!.lines[i]!) : s.text.lines).slice(0, CROPS_PER_OUTPUT);
  return lines
    .filter((l) => l.box.width > 0 && l.box.height > 0)
    .map((l) => {
      const pad = Math.round(l.box.height * 0.15);
      const x = Math.max(0, l.box.x - pad);
      const y = Math.max(0, l.box.y - pad);
      const w = Math.min(s.text!.width - x, l.box.width + 2 * pad);
      const h = Math.min(s.text!.height - y, l.box.height + 2 * pad);
      const scale = Math.min(CROP_HEIGHT / h, CROP_MAX_WIDTH / w);
      return html`<svg class="text-crop" role="img" aria-label="${`read: ${l.text}`}" viewBox="${`${x} ${y} ${w} ${h}`}" width="${Math.round(w * scale)}" height="${Math.round(h * scale)}"><title>${`read: ${l.text}`}</title><image href="${href}" x="0" y="0" width="${s.text!.width}" height="${s.text!.height}"/></svg>`;
    });
}

function failure(p: ReportPair, side: 'A' | 'B', label: string): Html | null {
  const t = p[side].text;
  if (!t || t.pass) return null;
  return html`<li class="text-failure" data-pair="${p.key}" data-side="${side}"><b>${side}</b> <span class="muted">(${label})</span> · <code>${p.key}</code> · CER ${formatPercent(t.cer)} · suggested ${t.suggestedTags.length ? t.suggestedTags.join(', ') : '--'}
<div>expected <q>${t.expected}</q> · read <q>${t.recognized || '(nothing)'}</q></div>
<div class="text-crops">${crops(p, side)}</div></li>`;
}

/** The section, or nothing when no output was read (a run with OCR off). */
export function textSection(report: Report): Html | '' {
  const t = report.summary.text;
  if (!t) return '';
  const rows: Html[] = [];
  for (const side of ['A', 'B'] as const) {
    rows.push(row(side, 'all', t[side].all));
    for (const [lang, g] of Object.entries(t[side].byLang)) rows.push(row(side, LANG_NAMES[lang] ?? lang, g));
  }
  const ag = t.agreement;
  const failures = report.pairs.flatMap((p) => [failure(p, 'A', report.run.backends.A.label), failure(p, 'B', report.run.backends.B.label)]).filter((x): x is Html => x !== null);
  return html`<section class="card wide text-rendering" id="text-rendering">
  <h2>Text rendering</h2>
  <p class="muted">Outputs whose case has expected text, read by OCR (${report.pairs.find((p) => p.A.text || p.B.text)?.A.text?.engine ?? report.pairs.find((p) => p.B.text)?.B.text?.engine ?? 'OCR'}) and scored against it; 95 % intervals from a bootstrap over outputs (${t.bootstrap.resamples} resamples, seed ${t.bootstrap.seed}).</p>
  <table class="stages"><thead><tr><th>side</th><th>language</th><th>passed</th><th>pass rate</th><th>mean CER</th></tr></thead><tbody>${rows}</tbody></table>
  <p>A and B agree (both pass or both fail) on ${ag.pairs ? html`${ag.bothPass + ag.bothFail} of ${ag.pairs} pairs read on both sides: ${interval(ag.rate)} · both pass ${ag.bothPass} · both fail ${ag.bothFail} · only A fails ${ag.onlyAFails} · only B fails ${ag.onlyBFails}` : html`<span class="muted">no pair read on both sides</span>`}</p>
  <h3>Failures (${failures.length})</h3>
  ${failures.length ? html`<ul class="text-failures">${failures}</ul>` : html`<p class="muted">None.</p>`}
</section>`;
}
