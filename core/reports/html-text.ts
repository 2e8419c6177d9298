/**
 * The report's text-rendering section (issue 11): per side and language, the pass rate and the mean CER with
 * their 95 % intervals; how often A and B pass or fail together; and every failing output with crops of the
 * text regions OCR read, the expected text and what was read, and the suggested tags.
 *
 * Crops are cut from the output beside the report when the page is rendered and embedded as small WebP data URIs,
 * like the thumbnails: the page stays one self-contained file, and it shows them when served sandboxed (browser
 * mode serves reports from an opaque origin, where links to the images beside it do not load).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import type { Report, ReportPair } from '../../shared/report.ts';
import type { IntervalValue, TextGroupSummary } from '../../shared/text-summary.ts';
import { formatPercent } from '../../shared/units.ts';
import { html, type Html } from './escape.ts';
import { safeRelativeHref } from './html-parts.ts';
import { SHARP_LIMITS } from '../store/image-limits.ts';
import { ThumbnailCache } from './thumbnails.ts';

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

export interface TextCrop {
  uri: string;
  /** CSS px the crop is drawn at. */
  width: number;
  height: number;
  text: string;
}

/** Crops by `${pair key}|${side}`. */
export type TextCrops = Map<string, TextCrop[]>;

/** Drawn size × this = the crop's pixels; WebP quality. Part of the cache key. */
const CROP_SCALE = 1.5;
const CROP_QUALITY = 60;

/** The text regions of a failing output, each padded a little, cut from its image file and made a small WebP (cached). */
async function cropsOf(p: ReportPair, side: 'A' | 'B', reportDir: string, cache: ThumbnailCache): Promise<TextCrop[]> {
  const s = p[side];
  const t = s.text;
  if (!t || t.pass || s.image === null || safeRelativeHref(s.image) === null) return [];
  const lines = (t.usedLines.length > 0 ? t.usedLines.map((i) => t.lines[i]!) : t.lines).slice(0, CROPS_PER_OUTPUT);
  const path = resolve(reportDir, s.image);
  let bytes: Buffer | null = null;
  const out: TextCrop[] = [];
  for (const l of lines) {
    const pad = Math.round(l.box.height * 0.15);
    const left = Math.max(0, Math.floor(l.box.x - pad));
    const top = Math.max(0, Math.floor(l.box.y - pad));
    const width = Math.min(t.width - left, Math.ceil(l.box.width + 2 * pad));
    const height = Math.min(t.height - top, Math.ceil(l.box.height + 2 * pad));
    if (!(width > 0 && height > 0)) continue;
    const scale = Math.min(CROP_HEIGHT / height, CROP_MAX_WIDTH / width);
    const drawn = { width: Math.round(width * scale), height: Math.round(height * scale) };
    try {
      const key = await ThumbnailCache.keyOf(path, `crop|${left},${top},${width},${height}|${drawn.width}x${drawn.height}|${CROP_SCALE}|${CROP_QUALITY}`);
      let data = (await cache.get(key))?.data;
      if (!data) {
        bytes ??= await readFile(path);
        // Boxes are in the pixels of the image as read (after EXIF orientation), hence autoOrient first.
        // 1.5× the drawn size at quality 60: legible text at a third of the bytes of 2× at 80 (a 500-case report
        // carries ~170 crops; docs/performance.md "Reports that scale").
        data = await sharp(bytes, SHARP_LIMITS)
          .autoOrient()
          .extract({ left, top, width, height })
          .resize({ width: Math.max(1, Math.round(width * scale * CROP_SCALE)), height: Math.max(1, Math.round(height * scale * CROP_SCALE)), fit: 'fill' })
          .webp({ quality: CROP_QUALITY })
          .toBuffer();
        await cache.put(key, { mime: 'image/webp', data, ...drawn });
      }
      out.push({ uri: `data:image/webp;base64,${data.toString('base64')}`, ...drawn, text: l.text });
    } catch {
      // the image is not beside the report (a moved report.json: the failure is listed without crops), or a box
      // outside the image (a read of another size): skip that crop
    }
  }
  return out;
}

/** Crops of every failing output's text regions (a few images at a time). */
export async function makeTextCrops(report: Report, reportDir: string, cache: ThumbnailCache = new ThumbnailCache(null)): Promise<TextCrops> {
  const jobs = report.pairs.flatMap((p) => (['A', 'B'] as const).filter((s) => p[s].text && !p[s].text!.pass).map((s) => [p, s] as const));
  const out: TextCrops = new Map();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, jobs.length) }, async () => {
      while (next < jobs.length) {
        const [p, s] = jobs[next++]!;
        out.set(`${p.key}|${s}`, await cropsOf(p, s, reportDir, cache));
      }
    }),
  );
  return out;
}

function crops(p: ReportPair, side: 'A' | 'B', all: TextCrops): Html[] {
  return (all.get(`${p.key}|${side}`) ?? []).map(
    (c) => html`<img class="text-crop" src="${c.uri}" width="${c.width}" height="${c.height}" alt="${`read: ${c.text}`}" title="${`read: ${c.text}`}">`,
  );
}

function failure(p: ReportPair, side: 'A' | 'B', label: string, all: TextCrops): Html | null {
  const t = p[side].text;
  if (!t || t.pass) return null;
  return html`<li class="text-failure" data-pair="${p.key}" data-side="${side}"><b>${side}</b> <span class="muted">(${label})</span> · <code>${p.key}</code> · CER ${formatPercent(t.cer)} · suggested ${t.suggestedTags.length ? t.suggestedTags.join(', ') : '--'}
<div>expected <q>${t.expected}</q>${t.source === undefined ? '' : html` · source <q class="text-source">${t.source}</q>`} · read <q>${t.recognized || '(nothing)'}</q></div>
<div class="text-crops">${crops(p, side, all)}</div></li>`;
}

/** The section, or nothing when no output was read (a run with OCR off). */
export function textSection(report: Report, textCrops: TextCrops = new Map()): Html | '' {
  const t = report.summary.text;
  if (!t) return '';
  const rows: Html[] = [];
  for (const side of ['A', 'B'] as const) {
    rows.push(row(side, 'all', t[side].all));
    for (const [lang, g] of Object.entries(t[side].byLang)) rows.push(row(side, LANG_NAMES[lang] ?? lang, g));
  }
  const ag = t.agreement;
  const failures = report.pairs.flatMap((p) => [failure(p, 'A', report.run.backends.A.label, textCrops), failure(p, 'B', report.run.backends.B.label, textCrops)]).filter((x): x is Html => x !== null);
  return html`<section class="card wide text-rendering" id="text-rendering">
  <h2>Text rendering</h2>
  <p class="muted">Outputs whose case has expected text, read by OCR (${report.pairs.find((p) => p.A.text || p.B.text)?.A.text?.engine ?? report.pairs.find((p) => p.B.text)?.B.text?.engine ?? 'OCR'}) and scored against it; 95 % intervals from a bootstrap over outputs (${t.bootstrap.resamples} resamples, seed ${t.bootstrap.seed}).</p>
  <table class="stages"><thead><tr><th>side</th><th>language</th><th>passed</th><th>pass rate</th><th>mean CER</th></tr></thead><tbody>${rows}</tbody></table>
  <p>A and B agree (both pass or both fail) on ${ag.pairs ? html`${ag.bothPass + ag.bothFail} of ${ag.pairs} pairs read on both sides: ${interval(ag.rate)} · both pass ${ag.bothPass} · both fail ${ag.bothFail} · only A fails ${ag.onlyAFails} · only B fails ${ag.onlyBFails}` : html`<span class="muted">no pair read on both sides</span>`}</p>
  <h3>Failures (${failures.length})</h3>
  ${failures.length ? html`<ul class="text-failures">${failures}</ul>` : html`<p class="muted">None.</p>`}
</section>`;
}
