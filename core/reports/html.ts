/**
 * report.html: ONE self-contained file rendered from report.json. Inline CSS (html-style.ts) and the bundled
 * browser script (report-script/, filter and click to enlarge), thumbnails embedded once each as data URIs, links to the
 * full-size files relative to the report. The header cards are in html-summary.ts, the pairs in html-pairs.ts.
 *
 * Security: every string from a prompt, a backend or a reviewer goes through the escaping `html` template;
 * the only JSON in the page is in a `<script type="application/json">` with `<` escaped; a CSP meta tag allows
 * exactly our own style and script (by hash), images from data: URIs and the report's own folder, and nothing
 * else: no external requests, no injected script can run even if an escape were missed.
 */
import { join } from 'node:path';
import type { Report } from '../../shared/report.ts';
import { html, Html, jsonForScript } from './escape.ts';
import { pageCsp, renderPage } from './html-page.ts';
import { heatmapPaths, makeThumbnails, imagePaths, thumbnailTable } from './html-parts.ts';
import { THUMBNAIL_CACHE_DIR, ThumbnailCache } from './thumbnails.ts';
import { pairSections } from './html-pairs.ts';
import { STYLE } from './html-style.ts';
import { backendCard, e2eTable, qualitySummary, reviewSummary, stageSummary } from './html-summary.ts';
import { categoryCard, headlineCard } from './html-conclusions.ts';
import { cjkFontFace } from './cjk-font.ts';
import { CATEGORY_LABELS } from '../../shared/run-summary.ts';
import { makeTextCrops, textSection } from './html-text.ts';
import { PAIR_FLAGS, REPORT_DOM, type PairFlag } from './pair-index.ts';
import { REPORT_SCRIPT } from './report-script.generated.ts';

export { escapeHtml } from './escape.ts';
export { safeRelativeHref } from './html-parts.ts';

export interface HtmlReportOptions {
  /** Folder the report lives in: image paths in the report are relative to it. */
  reportDir: string;
  /** Longest edge of embedded thumbnails, px. Default 160 (figures are at most 240 CSS px wide; thumbnails.ts). */
  thumbnailSize?: number;
  /** Keep made thumbnails, text crops and the font subset in `<reportDir>/report-cache/` and reuse them on the next render (default true). */
  thumbnailCache?: boolean;
  /** Embed a subset of the bundled CJK font for the page's Chinese / Japanese / Korean text (default true). */
  embedCjkFont?: boolean;
}

const STATUS_LABELS: Readonly<Record<PairFlag, string>> = {
  ok: 'both ok',
  error: 'an error',
  pending: 'pending',
  skipped: 'skipped',
  identical: 'identical',
  mismatch: 'size mismatch',
  verdict: 'has a verdict',
  noverdict: 'no verdict yet',
};

/**
 * The CSP of the page: our own styles and script by hash, images from data: and the report folder, the embedded
 * CJK font from data:, nothing else.
 */
export function contentSecurityPolicy(style: string = STYLE, script: string = REPORT_SCRIPT, extraStyles: readonly string[] = []): string {
  // 'self' and file: let the enlarge view load the full-size file beside the report (served or opened locally).
  return pageCsp({ styles: [style, ...extraStyles], script, imgSrc: "data: 'self' file:", font: true });
}

export async function renderHtmlReport(report: Report, options: HtmlReportOptions): Promise<string> {
  const cache = new ThumbnailCache(options.thumbnailCache === false ? null : join(options.reportDir, THUMBNAIL_CACHE_DIR));
  const thumbs = await makeThumbnails(imagePaths(report), options.reportDir, {
    heatmaps: heatmapPaths(report),
    cache,
    ...(options.thumbnailSize === undefined ? {} : { size: options.thumbnailSize }),
  });
  const textCrops = await makeTextCrops(report, options.reportDir, cache);
  const { body: pairsBody, index } = pairSections(report, thumbs);
  const categories = [...new Set(report.pairs.map((p) => p.category))];
  const run = report.run;
  const simulated = run.backends.A.simulated || run.backends.B.simulated;
  const body = html`${thumbnailTable(thumbs)}
<header>
  <h1>Omni Review · ${run.suite.name} ${simulated ? html`<span class="badge sim">SIMULATED</span>` : ''}</h1>
  <p class="muted">generated ${report.generatedAt} by omni-review ${report.tool.version} · run <code>${run.id}</code> created ${run.createdAt} · <span class="${run.status === 'complete' ? 'st-ok' : 'warn'}">${run.status}</span> · suite <code>${run.suite.source}</code> (${run.suite.cases} cases) · repeats ${run.params.repeats} · retries ${run.params.retries}${Object.keys(run.params.overrides).length ? html` · overrides <code>${JSON.stringify(run.params.overrides)}</code>` : ''}</p>
  <div class="cards">${headlineCard(report)}${categoryCard(report)}</div>
  <div class="cards">${backendCard('A', run.backends.A)}${backendCard('B', run.backends.B)}</div>
  <div class="cards">${e2eTable(report)}${stageSummary(report)}${qualitySummary(report)}${reviewSummary(report)}</div>
  <div class="cards">${textSection(report, textCrops)}</div>
</header>
<div class="filters">
  <input id="${REPORT_DOM.query}" type="search" placeholder="Filter: prompt, case, expected text, tag, error… (press /)" aria-label="filter pairs">
  <select id="${REPORT_DOM.category}" aria-label="category"><option value="">all categories</option>${categories.map((c) => html`<option value="${c}">${CATEGORY_LABELS[c]}</option>`)}</select>
  <select id="${REPORT_DOM.status}" aria-label="status"><option value="">any status</option>${PAIR_FLAGS.map((f) => html`<option value="${f}">${STATUS_LABELS[f]}</option>`)}</select>
  <span id="${REPORT_DOM.count}" class="muted">${report.pairs.length} pairs</span>
</div>
<main>${report.pairs.length ? pairsBody : html`<p class="muted">This report has no pairs.</p>`}</main>
<div id="${REPORT_DOM.lightbox}" hidden><img alt=""><div><span class="cap muted"></span> <a href="#" target="_blank" rel="noopener">open full size</a> <button type="button">close (Esc)</button></div></div>
<script type="application/json" id="${REPORT_DOM.index}">${new Html(jsonForScript(index))}</script>
<script>${new Html(REPORT_SCRIPT)}</script>`;
  const title = `Omni Review · ${run.suite.name}`;
  // Only the glyphs this page shows (title and body, escaped text included: entities never encode CJK).
  const fontFace = options.embedCjkFont === false ? null : await cjkFontFace(`${title}${body.value}`, cache);
  const extraStyles = fontFace ? [fontFace] : [];
  return renderPage({ title, csp: contentSecurityPolicy(STYLE, REPORT_SCRIPT, extraStyles), styles: [STYLE, ...extraStyles], body });
}
