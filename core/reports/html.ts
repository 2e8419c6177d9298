/**
 * report.html: ONE self-contained file rendered from report.json. Inline CSS and a little inline JS (filter,
 * click to enlarge), thumbnails embedded as data URIs, links to the full-size files relative to the report.
 *
 * Security: every string from a prompt, a backend or a reviewer goes through the escaping `html` template;
 * the only JSON in the page is in a `<script type="application/json">` with `<` escaped; a CSP meta tag allows
 * exactly our own style and script (by hash), images from data: URIs and the report's own folder, and nothing
 * else: no external requests, no injected script can run even if an escape were missed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import sharp from 'sharp';
import type { Bounds } from '../../shared/model.ts';
import { SHARP_LIMITS } from '../store/image-limits.ts';
import type { Report, ReportBackend, ReportPair, ReportSide } from '../../shared/report.ts';
import { formatInterval, formatKappa, formatRate, formatShare, JUDGEMENT_LABELS, JUDGEMENTS, positionBiasSuspected } from '../../shared/review-stats.ts';
import { orderedStageNames } from '../../shared/stages.ts';
import { html, Html, jsonForScript } from './escape.ts';
import { formatImprovementLine, formatMb, formatMs, formatNumber, formatPercent, formatSeconds } from './format.ts';

export { escapeHtml } from './escape.ts';

export interface HtmlReportOptions {
  /** Folder the report lives in: image paths in the report are relative to it. */
  reportDir: string;
  /** Longest edge of embedded thumbnails, px. Default 320. */
  thumbnailSize?: number;
}

const SIDES = ['A', 'B'] as const;

// ---------------------------------------------------------------------------------------------------------
// Paths and thumbnails
// ---------------------------------------------------------------------------------------------------------

/**
 * An href for a report-relative path, or null when the path is not a plain relative path (a scheme such as
 * javascript: or http:, an absolute or protocol-relative path): a tampered report.json must not turn a
 * thumbnail link into script or an external request.
 */
export function safeRelativeHref(rel: string): string | null {
  if (rel === '' || /^[a-z][a-z0-9+.-]*:/i.test(rel) || rel.startsWith('/') || rel.startsWith('\\') || isAbsolute(rel)) {
    return null;
  }
  return rel
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

const THUMB_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** A small WebP data URI of a raster image file, or null when it is missing or not an image (shown as a placeholder). */
async function thumbnailDataUri(path: string, size: number): Promise<string | null> {
  try {
    const bytes = await readFile(path);
    const meta = await sharp(bytes).metadata();
    if (!meta.format || !THUMB_FORMATS.has(meta.format)) return null;
    const out = await sharp(bytes, SHARP_LIMITS)
      .autoOrient()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return `data:image/webp;base64,${out.toString('base64')}`;
  } catch {
    return null;
  }
}

async function makeThumbnails(paths: Iterable<string>, reportDir: string, size: number): Promise<Map<string, string | null>> {
  const unique = [...new Set(paths)];
  const out = new Map<string, string | null>();
  let next = 0;
  // A few at a time: sharp has its own thread pool, more in flight only costs memory.
  const lanes = Array.from({ length: Math.min(4, unique.length) }, async () => {
    while (next < unique.length) {
      const rel = unique[next++] as string;
      out.set(rel, safeRelativeHref(rel) === null ? null : await thumbnailDataUri(resolve(reportDir, rel), size));
    }
  });
  await Promise.all(lanes);
  return out;
}

function imagePaths(report: Report): string[] {
  const paths: string[] = [];
  for (const p of report.pairs) {
    paths.push(...p.sources);
    for (const s of SIDES) if (p[s].image) paths.push(p[s].image as string);
    if (p.diff?.heatmap) paths.push(p.diff.heatmap);
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------------------------------------

const STAGE_COLORS: Readonly<Record<string, string>> = {
  queue: '#6b7280',
  upload: '#0ea5e9',
  preprocess: '#14b8a6',
  text_encode: '#a855f7',
  vae_encode: '#f59e0b',
  denoise: '#3b82f6',
  vae_decode: '#f97316',
  postprocess: '#10b981',
  transfer: '#ec4899',
  download: '#84cc16',
};
/** For server stage keys we do not know; picked away from the canonical hues so they do not read as one of them. */
const EXTRA_COLORS = ['#facc15', '#fb7185', '#e879f9', '#94a3b8', '#fdba74', '#5eead4', '#d9f99d', '#fecdd3'];

/** Colours come from fixed palettes only: a server's stage name never reaches an attribute unescaped or as a colour. */
function stageColor(name: string): string {
  const known = STAGE_COLORS[name];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return EXTRA_COLORS[h % EXTRA_COLORS.length] as string;
}

function stageSum(stages: Record<string, number>): number {
  let sum = 0;
  for (const v of Object.values(stages)) if (Number.isFinite(v) && v > 0) sum += v;
  return sum;
}

const BAR_W = 260;
const BAR_H = 14;

/** A stacked bar of stage durations over a grey e2e track; both sides of a table share `scaleMs`. */
function stageBar(stages: Record<string, number>, e2eMs: number | null, scaleMs: number, label: string): Html {
  const hasE2e = e2eMs !== null && e2eMs > 0;
  if (!(scaleMs > 0) || (!hasE2e && stageSum(stages) === 0)) return html``;
  const px = (ms: number) => ((ms / scaleMs) * BAR_W).toFixed(2);
  const track = hasE2e
    ? html`<rect class="track" x="0" y="0" width="${px(e2eMs as number)}" height="${BAR_H}"><title>e2e ${formatMs(e2eMs)}</title></rect>`
    : html``;
  let x = 0;
  const rects: Html[] = [];
  for (const name of orderedStageNames(Object.keys(stages))) {
    const ms = stages[name] as number;
    if (!(Number.isFinite(ms) && ms > 0)) continue;
    const w = (ms / scaleMs) * BAR_W;
    rects.push(
      html`<rect x="${x.toFixed(2)}" y="3" width="${w.toFixed(2)}" height="${BAR_H - 6}" fill="${stageColor(name)}"><title>${name}: ${formatMs(ms)}</title></rect>`,
    );
    x += w;
  }
  return html`<svg class="bar" viewBox="0 0 ${BAR_W} ${BAR_H}" width="${BAR_W}" height="${BAR_H}" role="img" aria-label="${label}">${track}${rects}</svg>`;
}

function swatch(name: string): Html {
  return html`<svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${stageColor(name)}"/></svg>`;
}

function statusBadge(status: ReportSide['status']): Html {
  return html`<span class="badge st-${status}">${status}</span>`;
}

function boundsText(b: Bounds | null): string {
  return b ? `${b.width}×${b.height} at (${b.x}, ${b.y})` : '—';
}

function sizeText(width: number | null, height: number | null): string {
  return width !== null && height !== null ? `${width}×${height}` : '—';
}

/** Overlay for a heatmap thumbnail: a box around the changed region, visible even when the thumbnail shrinks a 1-px change away. */
function boundsOverlay(bounds: Bounds | null, width: number | null, height: number | null): Html {
  if (!bounds || !width || !height) return html``;
  return html`<svg class="overlay" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" aria-hidden="true"><rect x="${bounds.x}" y="${bounds.y}" width="${bounds.width}" height="${bounds.height}" vector-effect="non-scaling-stroke"/></svg>`;
}

interface FigureOptions {
  caption?: Html | string;
  overlay?: Html;
  small?: boolean;
}

function figure(label: string, rel: string | null, thumbs: Map<string, string | null>, opts: FigureOptions = {}): Html {
  const href = rel === null ? null : safeRelativeHref(rel);
  const thumb = rel === null ? null : (thumbs.get(rel) ?? null);
  const img = thumb
    ? html`<img src="${thumb}" alt="${label}" loading="lazy">${opts.overlay ?? ''}`
    : html`<div class="ph">${rel === null ? 'no image' : 'image missing'}</div>`;
  const body = href && thumb ? html`<a class="zoom" href="${href}" target="_blank" rel="noopener" data-label="${label}">${img}</a>` : img;
  return html`<figure class="${opts.small ? 'fig small' : 'fig'}"><div class="frame">${body}</div><figcaption><b>${label}</b>${opts.caption ? html` · ${opts.caption}` : ''}</figcaption></figure>`;
}

// ---------------------------------------------------------------------------------------------------------
// Header: run, backends, summary
// ---------------------------------------------------------------------------------------------------------

function backendCard(side: 'A' | 'B', b: ReportBackend): Html {
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

function e2eTable(report: Report): Html {
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

function stageSummary(report: Report): Html {
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

function qualitySummary(report: Report): Html {
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
function reviewSummary(report: Report): Html {
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

// ---------------------------------------------------------------------------------------------------------
// Pairs
// ---------------------------------------------------------------------------------------------------------

function sideBlock(side: 'A' | 'B', s: ReportSide, scaleMs: number, vs: ReportPair['vsSource']['A']): Html {
  const sizeDiffers = s.width !== null && s.height !== null && s.requestedSize !== '' && `${s.width}x${s.height}` !== s.requestedSize;
  return html`<div class="side-stats">
  <div><span class="side">${side}</span> ${statusBadge(s.status)} <span class="e2e">${formatSeconds(s.timings.e2eMs, 3)}</span>${s.status === 'error' && s.timings.e2eMs !== null ? html` <span class="muted">(until the failure)</span>` : ''}</div>
  ${stageBar(s.timings.stages, s.status === 'ok' ? s.timings.e2eMs : null, scaleMs, `${side} stage durations`)}
  <div class="muted">${sizeText(s.width, s.height)}${sizeDiffers ? html` <span class="warn">asked ${s.requestedSize}</span>` : ''} · peak ${formatMb(s.peakMemoryMb)} · ${s.endpoint ?? '—'} · attempts ${s.attempts}</div>
  ${vs ? html`<div class="muted">vs its source: changed ${formatPercent(vs.ratio)}${vs.bounds ? html`, region ${boundsText(vs.bounds)}` : ''}${vs.sourceResizedFrom ? html` <span class="warn">(source ${vs.sourceResizedFrom} resized to the output)</span>` : ''}</div>` : ''}
  ${s.status === 'error' ? html`<p class="error">${s.error ? html`<b>${s.error.kind}${s.error.httpStatus ? ` ${s.error.httpStatus}` : ''}</b>: ${s.error.message}${s.error.url ? html` <code>${s.error.url}</code>` : ''}` : 'failed; no error message was recorded'}</p>` : ''}
  ${s.status === 'skipped' && s.error ? html`<p class="muted">${s.error.message}</p>` : ''}
</div>`;
}

function diffBlock(p: ReportPair): Html {
  const d = p.diff;
  if (!d) return html`<div class="diff muted">A↔B: not compared${p.A.status === 'ok' && p.B.status === 'ok' ? '' : ' (needs both images)'}</div>`;
  return html`<div class="diff">
  A↔B: ${d.identical ? html`<span class="badge st-ok">identical</span>` : ''}
  changed <b>${d.pixels === null ? '—' : formatPercent(d.ratio)}</b>${d.pixels !== null ? ` (${d.pixels} px)` : ''}
  · SSIM <b>${formatNumber(d.ssim, 4)}</b> · PSNR <b>${d.psnr === null ? (d.identical ? '∞' : '—') : `${d.psnr.toFixed(2)} dB`}</b>
  ${d.bounds ? html` · region ${boundsText(d.bounds)}` : ''}
  ${d.sizeMismatch ? html` <span class="warn">size mismatch: A ${d.sizeMismatch.first}, B ${d.sizeMismatch.second} (SSIM/PSNR on a common downsample)</span>` : ''}
</div>`;
}

function verdictBlock(p: ReportPair): Html {
  if (p.verdicts.length === 0) return html``;
  return html`<ul class="verdicts">${p.verdicts.map(
    (v) => html`<li><b>${v.verdict}</b> by ${v.reviewer}${v.blind ? html` <span class="chip">blind${v.swapped ? ', swapped' : ''}</span>` : ''}${v.tags.map((t) => html` <span class="chip tag">${t}</span>`)}${v.note ? html` — <span class="note">${v.note}</span>` : ''}</li>`,
  )}</ul>`;
}

function pairFlags(p: ReportPair): string[] {
  const flags: string[] = [];
  const statuses = [p.A.status, p.B.status];
  if (statuses.every((s) => s === 'ok')) flags.push('ok');
  for (const s of ['error', 'pending', 'skipped'] as const) if (statuses.includes(s)) flags.push(s);
  if (p.diff?.identical) flags.push('identical');
  if (p.diff?.sizeMismatch) flags.push('mismatch');
  flags.push(p.verdicts.length ? 'verdict' : 'noverdict');
  return flags;
}

function searchText(p: ReportPair): string {
  const parts = [p.key, p.caseId, p.title ?? '', p.category, p.prompt, p.negativePrompt ?? '', ...p.expectedText, ...p.tags];
  for (const s of SIDES) if (p[s].error) parts.push(p[s].error?.message ?? '');
  for (const v of p.verdicts) parts.push(v.verdict, v.reviewer, v.note, ...v.tags);
  return parts.join(' \n ').toLowerCase();
}

interface PairRef {
  pair: ReportPair;
  index: number;
}

function pairArticle(ref: PairRef, previous: ReportPair | null, thumbs: Map<string, string | null>): Html {
  const p = ref.pair;
  const scale = Math.max(
    p.A.timings.e2eMs ?? 0,
    p.B.timings.e2eMs ?? 0,
    stageSum(p.A.timings.stages),
    stageSum(p.B.timings.stages),
  );
  let sourceCell: Html;
  if (p.turn > 1 && previous) {
    sourceCell = html`<div class="sources">${figure(`A turn ${p.turn - 1}`, previous.A.image, thumbs, { small: true })}${figure(`B turn ${p.turn - 1}`, previous.B.image, thumbs, { small: true })}</div>`;
  } else if (p.sources.length > 0) {
    sourceCell = html`<div class="sources">${p.sources.map((src, i) => figure(p.sources.length > 1 ? `source ${i + 1}` : 'source', src, thumbs, { small: p.sources.length > 1 }))}</div>`;
  } else {
    sourceCell = html`<figure class="fig"><div class="frame"><div class="ph">text-to-image: no source</div></div><figcaption><b>source</b></figcaption></figure>`;
  }
  const heat = p.diff?.heatmap ?? null;
  return html`<article class="pair" id="p${ref.index}">
  <h4>turn ${p.turn}/${p.turns}${p.repeat > 1 || p.turns > 1 ? ` · repeat ${p.repeat}` : ''} <span class="muted key">${p.key}</span></h4>
  <p class="prompt">${p.prompt}</p>
  ${p.negativePrompt ? html`<p class="muted">negative: ${p.negativePrompt}</p>` : ''}
  <div class="grid">
    ${sourceCell}
    ${figure('A', p.A.image, thumbs, { caption: sizeText(p.A.width, p.A.height) })}
    ${figure('B', p.B.image, thumbs, { caption: sizeText(p.B.width, p.B.height) })}
    ${p.diff
      ? figure('A↔B', heat, thumbs, { caption: p.diff.sizeMismatch ? 'sizes differ' : formatPercent(p.diff.ratio), overlay: boundsOverlay(p.diff.bounds, p.A.width, p.A.height) })
      : html`<figure class="fig"><div class="frame"><div class="ph">no comparison</div></div><figcaption><b>A↔B</b></figcaption></figure>`}
  </div>
  ${p.expectedText.length ? html`<p class="expected">expected text: ${p.expectedText.map((t) => html`<span class="chip text">${t}</span> `)}</p>` : ''}
  <div class="sides">${sideBlock('A', p.A, scale, p.vsSource.A)}${sideBlock('B', p.B, scale, p.vsSource.B)}</div>
  ${diffBlock(p)}
  ${verdictBlock(p)}
</article>`;
}

/** Pairs grouped by case, and inside a case by repeat (each repeat is one multi-turn chain). */
function pairSections(report: Report, thumbs: Map<string, string | null>): { body: Html; index: unknown[] } {
  const index: unknown[] = [];
  const cases = new Map<string, { first: ReportPair; chains: Map<number, PairRef[]> }>();
  report.pairs.forEach((pair, i) => {
    let c = cases.get(pair.caseId);
    if (!c) {
      c = { first: pair, chains: new Map() };
      cases.set(pair.caseId, c);
    }
    const chain = c.chains.get(pair.repeat) ?? [];
    chain.push({ pair, index: i });
    c.chains.set(pair.repeat, chain);
  });
  const sections: Html[] = [];
  let caseNo = 0;
  for (const [caseId, c] of cases) {
    const caseDom = `c${caseNo++}`;
    const chains: Html[] = [];
    for (const [repeat, refs] of c.chains) {
      const chainDom = `${caseDom}r${repeat}`;
      const articles = refs.map((ref, k) => {
        index.push({ id: `p${ref.index}`, chain: chainDom, group: caseDom, category: ref.pair.category, flags: pairFlags(ref.pair), text: searchText(ref.pair) });
        return pairArticle(ref, k > 0 ? (refs[k - 1]?.pair ?? null) : null, thumbs);
      });
      const chainTitle = c.first.turns > 1 ? html`<h3 class="chain-title">chain · repeat ${repeat} · ${c.first.turns} turns</h3>` : '';
      chains.push(html`<div class="chain" id="${chainDom}">${chainTitle}${articles}</div>`);
    }
    sections.push(html`<section class="case" id="${caseDom}">
  <h2>${caseId}${c.first.title ? html` <span class="title">${c.first.title}</span>` : ''} <span class="chip cat">${c.first.category}</span>${c.first.tags.map((t) => html` <span class="chip">${t}</span>`)}</h2>
  ${chains}
</section>`);
  }
  return { body: html`${sections}`, index };
}

// ---------------------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------------------

const STYLE = `
:root{color-scheme:dark;--bg:#0f1115;--panel:#171a21;--line:#2a2f3a;--fg:#e6e8ee;--muted:#9aa3b2;--ok:#22c55e;--err:#ef4444;--warn:#f59e0b;--acc:#60a5fa}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif}
header,main,.filters{padding:12px 20px}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:0 0 8px}h3{font-size:15px;margin:0 0 6px}h4{font-size:14px;margin:0 0 4px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:#c7d2fe;word-break:break-all}
.muted{color:var(--muted)}.warn{color:var(--warn)}.worse{color:var(--err)}.error{color:#fecaca;background:#3b1414;border:1px solid #7f1d1d;padding:6px 8px;border-radius:6px;white-space:pre-wrap;word-break:break-word}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:12px;margin-top:10px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0;overflow-x:auto}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}dt{color:var(--muted)}dd{margin:0}dd ul{margin:0;padding-left:16px}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;font-weight:600;border:1px solid currentColor}
.badge.sim{color:#111;background:var(--warn);border-color:var(--warn)}
.st-ok{color:var(--ok)}.st-error{color:var(--err)}.st-pending{color:var(--muted)}.st-skipped{color:var(--warn)}
.chip{display:inline-block;padding:0 6px;border-radius:10px;background:#232836;border:1px solid var(--line);font-size:12px}
.chip.text{font-size:13px;background:#1e293b}.chip.cat{color:var(--acc)}
.headline{font-size:18px;font-weight:600;margin:4px 0}
table.num{border-collapse:collapse}table.num th,table.num td{padding:2px 10px;white-space:nowrap;border-bottom:1px solid var(--line);text-align:right}table.num th:first-child{text-align:left}
.bars div{display:flex;align-items:center;gap:8px;margin:3px 0}
.side{display:inline-block;width:18px;font-weight:700;color:var(--acc)}
svg.bar{background:#0b0d11;border-radius:3px;max-width:100%}svg.bar rect.track{fill:#2b3140}
.filters{position:sticky;top:0;z-index:2;background:rgba(15,17,21,.95);border-bottom:1px solid var(--line);display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.filters input,.filters select{background:var(--panel);color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:5px 8px}
.filters input{min-width:280px}
section.case{margin:16px 0;padding:10px 12px;border:1px solid var(--line);border-radius:10px;background:#12151b}
section.case .title{color:var(--muted);font-weight:400}
.chain{border-left:3px solid #334155;padding-left:10px;margin:8px 0}.chain-title{color:var(--muted);font-weight:500}
article.pair{padding:10px 0;border-top:1px dashed var(--line)}
.prompt{white-space:pre-wrap;word-break:break-word;margin:2px 0 6px;font-size:15px}
.key{font-weight:400;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px}
.sources{display:flex;flex-direction:column;gap:6px}
.fig{margin:0}.fig .frame{position:relative;background:#0b0d11;border:1px solid var(--line);border-radius:6px;min-height:80px;display:flex;align-items:center;justify-content:center;overflow:hidden}
.fig img{display:block;width:100%;height:auto}.fig.small img{max-height:140px;width:auto;max-width:100%}
.fig a.zoom{display:block;position:relative;width:100%}.fig.small a.zoom{display:flex;justify-content:center}
.fig figcaption{font-size:12px;color:var(--muted);margin-top:2px}
svg.overlay{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}svg.overlay rect{fill:none;stroke:#22d3ee;stroke-width:2}
.ph{color:var(--muted);font-size:12px;padding:24px 8px;text-align:center}
.expected{margin:6px 0}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-top:6px}
.side-stats{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 8px;display:flex;flex-direction:column;gap:3px}
.e2e{font-weight:600}
.diff{margin-top:6px}
ul.verdicts{margin:6px 0 0;padding-left:18px}.note{white-space:pre-wrap}
.swatch{vertical-align:middle}
#lightbox{position:fixed;inset:0;z-index:10;background:rgba(0,0,0,.88);display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;padding:20px}
#lightbox img{max-width:96vw;max-height:86vh;image-rendering:auto;background:#000}
#lightbox a,#lightbox button{color:var(--acc);background:none;border:1px solid var(--line);border-radius:6px;padding:3px 10px;font:inherit;cursor:pointer}
[hidden]{display:none !important}
@media (max-width:900px){.grid{grid-template-columns:repeat(2,minmax(0,1fr))}.sides{grid-template-columns:1fr}}
`;

const SCRIPT = `
(function () {
  'use strict';
  var index = JSON.parse(document.getElementById('pair-index').textContent || '[]');
  var q = document.getElementById('q');
  var cat = document.getElementById('cat');
  var st = document.getElementById('st');
  var count = document.getElementById('count');
  function apply() {
    var terms = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0, chains = {}, groups = {};
    index.forEach(function (e) {
      var ok = terms.every(function (t) { return e.text.indexOf(t) !== -1; }) &&
        (!cat.value || e.category === cat.value) && (!st.value || e.flags.indexOf(st.value) !== -1);
      var el = document.getElementById(e.id);
      if (el) el.hidden = !ok;
      if (ok) { shown++; chains[e.chain] = true; groups[e.group] = true; }
    });
    document.querySelectorAll('.chain').forEach(function (el) { el.hidden = !chains[el.id]; });
    document.querySelectorAll('section.case').forEach(function (el) { el.hidden = !groups[el.id]; });
    count.textContent = shown + ' of ' + index.length + ' pairs';
  }
  q.addEventListener('input', apply);
  cat.addEventListener('change', apply);
  st.addEventListener('change', apply);
  var box = document.getElementById('lightbox');
  var boxImg = box.querySelector('img');
  var boxLink = box.querySelector('a');
  var boxCap = box.querySelector('.cap');
  var fallback = null;
  boxImg.addEventListener('error', function () {
    if (fallback && boxImg.getAttribute('src') !== fallback) boxImg.setAttribute('src', fallback);
  });
  function closeBox() { box.hidden = true; boxImg.removeAttribute('src'); fallback = null; }
  document.addEventListener('click', function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest('a.zoom') : null;
    if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    var thumb = a.querySelector('img');
    fallback = thumb ? thumb.getAttribute('src') : null;
    boxImg.setAttribute('src', a.getAttribute('href'));
    boxLink.setAttribute('href', a.getAttribute('href'));
    boxCap.textContent = a.getAttribute('data-label') || '';
    box.hidden = false;
  });
  box.addEventListener('click', function (ev) { if (ev.target === box || ev.target.tagName === 'BUTTON') closeBox(); });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { closeBox(); return; }
    if (ev.key === '/' && document.activeElement !== q) { ev.preventDefault(); q.focus(); }
  });
  apply();
})();
`;

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** The CSP of the page: our own style and script by hash, images from data: and the report folder, nothing else. */
export function contentSecurityPolicy(style: string = STYLE, script: string = SCRIPT): string {
  return [
    "default-src 'none'",
    `style-src ${cspHash(style)}`,
    `script-src ${cspHash(script)}`,
    // 'self' and file: let the enlarge view load the full-size file beside the report (served or opened locally).
    "img-src data: 'self' file:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function renderHtmlReport(report: Report, options: HtmlReportOptions): Promise<string> {
  const thumbs = await makeThumbnails(imagePaths(report), options.reportDir, options.thumbnailSize ?? 320);
  const { body, index } = pairSections(report, thumbs);
  const categories = [...new Set(report.pairs.map((p) => p.category))];
  const run = report.run;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Omni Review · ${run.suite.name}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header>
  <h1>Omni Review · ${run.suite.name} ${run.backends.A.simulated || run.backends.B.simulated ? html`<span class="badge sim">SIMULATED</span>` : ''}</h1>
  <p class="muted">generated ${report.generatedAt} by omni-review ${report.tool.version} · run <code>${run.id}</code> created ${run.createdAt} · <span class="${run.status === 'complete' ? 'st-ok' : 'warn'}">${run.status}</span> · suite <code>${run.suite.source}</code> (${run.suite.cases} cases) · repeats ${run.params.repeats} · retries ${run.params.retries}${Object.keys(run.params.overrides).length ? html` · overrides <code>${JSON.stringify(run.params.overrides)}</code>` : ''}</p>
  <div class="cards">${backendCard('A', run.backends.A)}${backendCard('B', run.backends.B)}</div>
  <div class="cards">${e2eTable(report)}${stageSummary(report)}${qualitySummary(report)}${reviewSummary(report)}</div>
</header>
<div class="filters">
  <input id="q" type="search" placeholder="Filter: prompt, case, expected text, tag, error… (press /)" aria-label="filter pairs">
  <select id="cat" aria-label="category"><option value="">all categories</option>${categories.map((c) => html`<option value="${c}">${c}</option>`)}</select>
  <select id="st" aria-label="status">
    <option value="">any status</option><option value="ok">both ok</option><option value="error">an error</option>
    <option value="pending">pending</option><option value="skipped">skipped</option><option value="identical">identical</option>
    <option value="mismatch">size mismatch</option><option value="verdict">has a verdict</option><option value="noverdict">no verdict yet</option>
  </select>
  <span id="count" class="muted">${report.pairs.length} pairs</span>
</div>
<main>${report.pairs.length ? body : html`<p class="muted">This report has no pairs.</p>`}</main>
<div id="lightbox" hidden><img alt=""><div><span class="cap muted"></span> <a href="#" target="_blank" rel="noopener">open full size</a> <button type="button">close (Esc)</button></div></div>
<script type="application/json" id="pair-index">${new Html(jsonForScript(index))}</script>
<script>${new Html(SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
