/**
 * compare.html: one self-contained page (the report's style, thumbnails embedded as data URIs, no script), every
 * string from a run (titles, case ids, labels, folders) through the escaping `html` template, a CSP that allows
 * our own style by hash and data: images only.
 */
import { readFile } from 'node:fs/promises';
import type { Side } from '../../../shared/model.ts';
import {
  categoryLabel,
  changedPairs,
  describePixelChange,
  pairLabel,
  stageLabel,
  type ComparedPair,
  type PixelChange,
  type RunComparison,
  type RunRef,
  type SpeedGroup,
  type SpeedRow,
} from '../../../shared/run-compare.ts';
import { formatCount, formatDuration } from '../../../shared/units.ts';
import { containedFileOrNull } from '../../paths/containment.ts';
import { html, type Html } from '../escape.ts';
import { pageCsp, renderPage } from '../html-page.ts';
import { STYLE } from '../html-style.ts';

const SIDES = ['A', 'B'] as const;

const EXTRA_STYLE = `
.chg-slower{color:var(--err)}.chg-faster{color:var(--ok)}.chg-same{color:var(--muted)}
table.cmp{border-collapse:collapse;width:100%}table.cmp th,table.cmp td{padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
table.cmp td.n,table.cmp th.n{text-align:right;white-space:nowrap}
.pics{display:flex;gap:6px;flex-wrap:wrap}.pics figure{margin:0}.pics img{display:block;max-width:160px;max-height:160px;border:1px solid var(--line);border-radius:4px;background:#0b0d11}.pics figcaption{font-size:11px;color:var(--muted)}
ul.warnings{margin:6px 0;padding-left:18px;color:var(--warn)}
.changed{font-weight:600;color:var(--warn)}
.gap{margin-top:12px}
`;
const PAGE_STYLE = STYLE + EXTRA_STYLE;

/** The page's CSP: its one style element by hash, images (and an embedded font) from data: only, no script at all. */
export interface ComparisonHtmlOptions {
  /**
   * An @font-face rule (data: URL) covering the CJK characters of the page's text, or null when none is needed: the
   * hook for the report's CJK font subset (issue 13), so Chinese titles render on a machine without CJK fonts.
   */
  fontFace?: (text: string) => Promise<string | null>;
}

/** Thumbnail files of the comparison folder as data URIs (contained: a tampered compare.json cannot read elsewhere). */
async function embed(outDir: string, c: RunComparison): Promise<Map<string, string>> {
  const rels = new Set<string>();
  for (const p of c.pairs) for (const s of SIDES) for (const r of Object.values(p.pixels[s].thumbs ?? {})) if (r) rels.add(r);
  const out = new Map<string, string>();
  await Promise.all(
    [...rels].map(async (rel) => {
      const file = containedFileOrNull(outDir, rel);
      if (!file) return;
      try {
        out.set(rel, `data:image/webp;base64,${(await readFile(file)).toString('base64')}`);
      } catch {
        // A thumbnail that vanished is shown as missing, the page still renders.
      }
    }),
  );
  return out;
}

export function changeClass(r: Pick<SpeedRow, 'ratio'> | null | undefined): string {
  if (!r || r.ratio === null) return '';
  if (Math.abs(r.ratio - 1) < 0.005) return 'chg-same';
  return r.ratio > 1 ? 'chg-slower' : 'chg-faster';
}

function runCard(label: string, r: RunRef): Html {
  return html`<div class="card"><h3>${label}</h3><dl>
<dt>run</dt><dd><code>${r.id}</code> · ${r.status}</dd>
<dt>folder</dt><dd><code>${r.dir}</code></dd>
<dt>suite</dt><dd>${r.suite}</dd>
<dt>created</dt><dd>${r.createdAt}</dd>
${SIDES.map((s) => html`<dt>${s}</dt><dd>${r.backends[s].label}${r.backends[s].simulated ? html` <span class="badge sim">SIMULATED</span>` : ''}${r.backends[s].faults ? html` · faults <code>${r.backends[s].faults}</code>` : ''}</dd>`)}
</dl></div>`;
}

function speedTable(groups: readonly SpeedGroup[]): Html {
  const stages: string[] = [];
  for (const g of groups) for (const r of g.rows) if (!stages.includes(r.stage)) stages.push(r.stage);
  return html`<table class="cmp"><thead><tr><th>stage</th>${groups.map((g) => html`<th class="n">${g.side} p50 before</th><th class="n">${g.side} p50 after</th><th>${g.side} change</th>`)}<th class="n">pairs</th></tr></thead><tbody>
${stages.map((stage) => html`<tr><th>${stageLabel(stage)}</th>${groups.map((g) => {
    const r = g.rows.find((x) => x.stage === stage);
    return html`<td class="n">${formatDuration(r?.p50.before)}</td><td class="n">${formatDuration(r?.p50.after)}</td><td class="${changeClass(r)}">${r?.change ?? '—'}</td>`;
  })}<td class="n">${groups.map((g) => formatCount(g.rows.find((x) => x.stage === stage)?.n ?? 0)).join(' / ')}</td></tr>`)}
</tbody></table>`;
}

function pictures(p: PixelChange, side: Side, images: Map<string, string>): Html {
  const t = p.thumbs;
  if (!t) return html``;
  const fig = (rel: string | null, cap: string) => {
    const uri = rel ? images.get(rel) : undefined;
    return uri ? html`<figure><img src="${uri}" alt="${side} ${cap}"><figcaption>${side} ${cap}</figcaption></figure>` : html``;
  };
  return html`<div class="pics">${fig(t.before, 'before')}${fig(t.after, 'after')}${fig(t.heatmap, 'heatmap')}</div>`;
}

function verdictCell(p: ComparedPair): Html {
  const v = p.verdict;
  if (v.changed) return html`<span class="changed">${v.before} → ${v.after}</span>`;
  if (v.before === null && v.after === null) return html`<span class="muted">not judged</span>`;
  return html`${v.before ?? 'not judged'} → ${v.after ?? 'not judged'}`;
}

function textCell(p: ComparedPair, side: Side): Html {
  const t = p.text?.[side];
  if (!t) return html`<span class="muted">—</span>`;
  const word = (v: boolean | null) => (v === null ? 'not checked' : v ? 'pass' : 'fail');
  return t.changed ? html`<span class="changed">${word(t.before)} → ${word(t.after)}</span>` : html`${word(t.after)}`;
}

function sideCell(p: ComparedPair, side: Side, images: Map<string, string>): Html {
  const px = p.pixels[side];
  const st = p.status[side];
  return html`<div class="${px.state === 'changed' || px.state === 'size-changed' ? 'changed' : ''}">${describePixelChange(px)}</div>
${st.before !== st.after ? html`<div class="warn">status ${st.before} → ${st.after}</div>` : ''}
<div class="muted">e2e ${formatDuration(p.e2eMs[side].before)} → ${formatDuration(p.e2eMs[side].after)}</div>
${pictures(px, side, images)}`;
}

export async function renderComparisonHtml(c: RunComparison, outDir: string, options: ComparisonHtmlOptions = {}): Promise<string> {
  const images = await embed(outDir, c);
  const hasText = c.totals.textChanged !== null;
  const changed = changedPairs(c);
  const categories = [...new Set(c.speed.map((g) => g.category))];
  const body = html`<header>
  <h1>Run comparison · ${c.after.suite}</h1>
  <p class="headline" data-testid="compare-headline">${c.headline}</p>
  <p class="muted">generated ${c.generatedAt} by omni-review ${c.tool.version} · pairs matched by case id, turn and repeat · each side is compared with itself in the other run; "A 1.31× slower" means A's p50 in the second run is 1.31 times its p50 in the first</p>
  ${c.warnings.length ? html`<ul class="warnings">${c.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
  <div class="cards">${runCard('First run (before)', c.before)}${runCard('Second run (after)', c.after)}</div>
</header>
<main>
<section class="card wide"><h2>Speed per category and stage</h2>
<p class="muted">Only stages both runs report for that side, over the pairs where both jobs are ok (like for like). p50 per side; red: slower in the second run, green: faster.</p>
${categories.map((cat) => html`<h3>${categoryLabel(cat)}</h3>${speedTable(c.speed.filter((g) => g.category === cat))}`)}
</section>
<section class="card wide gap"><h2>Pairs that changed (${formatCount(changed.length)} of ${formatCount(c.matching.matched)})</h2>
${changed.length === 0
  ? html`<p class="muted">No pair changed verdict, text result, status or pictures.</p>`
  : html`<table class="cmp"><thead><tr><th>pair</th><th>verdict</th>${hasText ? html`<th>text A</th><th>text B</th>` : ''}<th>A: pictures, e2e</th><th>B: pictures, e2e</th></tr></thead><tbody>
${changed.map((p) => html`<tr data-pair="${p.key}"><td><code>${pairLabel(p)}</code><div class="muted">${p.title ?? ''}</div><span class="chip cat">${categoryLabel(p.category)}</span>${p.promptChanged ? html` <span class="warn">prompt changed</span>` : ''}</td><td>${verdictCell(p)}</td>${hasText ? html`<td>${textCell(p, 'A')}</td><td>${textCell(p, 'B')}</td>` : ''}<td>${sideCell(p, 'A', images)}</td><td>${sideCell(p, 'B', images)}</td></tr>`)}
</tbody></table>`}
</section>
${c.matching.onlyBefore.length || c.matching.onlyAfter.length
  ? html`<section class="card wide gap"><h2>Not matched</h2>
${c.matching.onlyBefore.length ? html`<p><strong>Only in the first run</strong> (${formatCount(c.matching.onlyBefore.length)}): ${c.matching.onlyBefore.map((r) => pairLabel(r)).join(', ')}</p>` : ''}
${c.matching.onlyAfter.length ? html`<p><strong>Only in the second run</strong> (${formatCount(c.matching.onlyAfter.length)}): ${c.matching.onlyAfter.map((r) => pairLabel(r)).join(', ')}</p>` : ''}
</section>`
  : ''}
</main>
`;
  const title = `Omni Review · compare · ${c.after.suite}`;
  // Only the glyphs this page shows; escaping never encodes CJK, so the rendered body is the text to cover.
  const fontFace = options.fontFace ? await options.fontFace(`${title}${body.value}`) : null;
  const styles = fontFace ? [fontFace, PAGE_STYLE] : [PAGE_STYLE];
  return renderPage({ title, csp: pageCsp({ styles, imgSrc: 'data:', font: fontFace !== null }), styles, body });
}
