/**
 * report.html pair sections: cases, their chains (one per repeat) and each pair's images, timings, diff and
 * verdicts, plus the pair index the browser script filters on (pair-index.ts).
 */
import type { Report, ReportPair, ReportSide } from '../../shared/report.ts';
import { JUDGEMENT_LABELS } from '../../shared/review-stats.ts';
import { CATEGORY_LABELS } from '../../shared/run-summary.ts';
import type { VerdictValue } from '../../shared/model.ts';
import { html, type Html } from './escape.ts';
import { formatNumber } from './format.ts';
import { formatCount, formatDuration, formatMemory, formatPercent } from '../../shared/units.ts';
import { boundsOverlay, boundsText, figure, SIDES, sizeText, stageBar, stageSum, statusBadge, type Thumbnail } from './html-parts.ts';
import type { PairFlag, PairIndexEntry } from './pair-index.ts';

function sideBlock(side: 'A' | 'B', s: ReportSide, scaleMs: number, vs: ReportPair['vsSource']['A']): Html {
  const sizeDiffers = s.width !== null && s.height !== null && s.requestedSize !== '' && `${s.width}x${s.height}` !== s.requestedSize;
  return html`<div class="side-stats">
  <div><span class="side">${side}</span> ${statusBadge(s.status)} <span class="e2e">${formatDuration(s.timings.e2eMs)}</span>${s.status === 'error' && s.timings.e2eMs !== null ? html` <span class="muted">(until the failure)</span>` : ''}</div>
  ${stageBar(s.timings.stages, s.status === 'ok' ? s.timings.e2eMs : null, scaleMs, `${side} stage durations`)}
  <div class="muted">${sizeText(s.width, s.height)}${sizeDiffers ? html` <span class="warn">asked ${s.requestedSize}</span>` : ''} · peak ${formatMemory(s.peakMemoryMb)} · ${s.endpoint ?? '—'} · attempts ${s.attempts}</div>
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
  changed <b>${d.pixels === null ? '—' : formatPercent(d.ratio)}</b>${d.pixels !== null ? ` (${formatCount(d.pixels)} px)` : ''}
  · SSIM <b>${formatNumber(d.ssim, 4)}</b> · PSNR <b>${d.psnr === null ? (d.identical ? '∞' : '—') : `${d.psnr.toFixed(2)} dB`}</b>
  ${d.bounds ? html` · region ${boundsText(d.bounds)}` : ''}
  ${d.sizeMismatch ? html` <span class="warn">size mismatch: A ${d.sizeMismatch.first}, B ${d.sizeMismatch.second} (SSIM/PSNR on a common downsample)</span>` : ''}
</div>`;
}

/** A verdict in words ("A better", "both bad", "skip"), never the enum name. */
export function verdictWords(v: VerdictValue | string): string {
  return v === 'skip' ? 'skip' : (JUDGEMENT_LABELS[v as keyof typeof JUDGEMENT_LABELS] ?? v);
}

function verdictBlock(p: ReportPair): Html {
  if (p.verdicts.length === 0) return html``;
  return html`<ul class="verdicts">${p.verdicts.map(
    (v) => html`<li><b>${verdictWords(v.verdict)}</b> by ${v.reviewer}${v.blind ? html` <span class="chip">blind${v.swapped ? ', swapped' : ''}</span>` : ''}${v.tags.map((t) => html` <span class="chip tag">${t}</span>`)}${v.note ? html` — <span class="note">${v.note}</span>` : ''}</li>`,
  )}</ul>`;
}

export function pairFlags(p: ReportPair): PairFlag[] {
  const flags: PairFlag[] = [];
  const statuses = [p.A.status, p.B.status];
  if (statuses.every((s) => s === 'ok')) flags.push('ok');
  for (const s of ['error', 'pending', 'skipped'] as const) if (statuses.includes(s)) flags.push(s);
  if (p.diff?.identical) flags.push('identical');
  if (p.diff?.sizeMismatch) flags.push('mismatch');
  flags.push(p.verdicts.length ? 'verdict' : 'noverdict');
  return flags;
}

export function searchText(p: ReportPair): string {
  const parts = [p.key, p.caseId, p.title ?? '', p.category, p.prompt, p.negativePrompt ?? '', ...p.expectedText, ...p.tags];
  for (const s of SIDES) if (p[s].error) parts.push(p[s].error?.message ?? '');
  for (const v of p.verdicts) parts.push(v.verdict, v.reviewer, v.note, ...v.tags);
  return parts.join(' \n ').toLowerCase();
}

interface PairRef {
  pair: ReportPair;
  index: number;
}

function pairArticle(ref: PairRef, previous: ReportPair | null, thumbs: Map<string, Thumbnail | null>): Html {
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
export function pairSections(report: Report, thumbs: Map<string, Thumbnail | null>): { body: Html; index: PairIndexEntry[] } {
  const index: PairIndexEntry[] = [];
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
  <h2>${caseId}${c.first.title ? html` <span class="title">${c.first.title}</span>` : ''} <span class="chip cat">${CATEGORY_LABELS[c.first.category]}</span>${c.first.tags.map((t) => html` <span class="chip">${t}</span>`)}</h2>
  ${chains}
</section>`);
  }
  return { body: html`${sections}`, index };
}
