/**
 * report.html building blocks: thumbnails (AVIF/WebP data URIs from thumbnails.ts, each embedded once in a table and referenced by id), safe links to the full-size files, stage
 * bars with fixed palettes, status badges and image figures. Everything here escapes through `html`.
 */
import { isAbsolute, resolve } from 'node:path';
import { hashString } from '../../shared/hash.ts';
import type { Bounds } from '../../shared/model.ts';
import type { Report, ReportSide } from '../../shared/report.ts';
import { orderedStageNames } from '../../shared/stages.ts';
import { cachedThumbnail, thumbnailSpecOf, type ThumbnailCache } from './thumbnails.ts';
import { html, type Html } from './escape.ts';
import { formatDuration } from '../../shared/units.ts';

export const SIDES = ['A', 'B'] as const;

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

/** One embedded thumbnail: written ONCE into the page's thumbnail table, referenced by id wherever it is shown. */
export interface Thumbnail {
  id: string;
  uri: string;
  width: number;
  height: number;
}

export interface ThumbnailOptions {
  /** Paths (as in `paths`) that are A↔B heatmaps: encoded with HEATMAP_THUMBNAIL. */
  heatmaps: ReadonlySet<string>;
  /** Where made thumbnails are kept (thumbnails.ts; `new ThumbnailCache(null)` for none). */
  cache: ThumbnailCache;
  /** Longest edge override, px (both kinds). */
  size?: number;
}

export async function makeThumbnails(paths: Iterable<string>, reportDir: string, options: ThumbnailOptions): Promise<Map<string, Thumbnail | null>> {
  const unique = [...new Set(paths)];
  const out = new Map<string, Thumbnail | null>();
  let next = 0;
  // A few at a time: sharp has its own thread pool (its decode and encode run there), more in flight only costs memory.
  const lanes = Array.from({ length: Math.min(4, unique.length) }, async () => {
    while (next < unique.length) {
      const index = next++;
      const rel = unique[index] as string;
      const spec = thumbnailSpecOf(options.heatmaps.has(rel), options.size);
      const thumb = safeRelativeHref(rel) === null ? null : await cachedThumbnail(resolve(reportDir, rel), spec, options.cache);
      out.set(rel, thumb ? { id: `th${index}`, uri: `data:${thumb.mime};base64,${thumb.data.toString('base64')}`, width: thumb.width, height: thumb.height } : null);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * The page's thumbnail table: each thumbnail once, as an SVG <image> with an id, in a zero-size SVG the CSS hides.
 * Figures draw it with <use href="#id"> (thumbnailRef), so a source shown beside 50 pairs is embedded once and no
 * script is needed to show it.
 */
export function thumbnailTable(thumbs: Map<string, Thumbnail | null>): Html {
  const defs = [...thumbs.values()].filter((t): t is Thumbnail => t !== null);
  if (defs.length === 0) return html``;
  return html`<svg class="thumbs" aria-hidden="true"><defs>${defs.map((t) => html`<image id="${t.id}" width="${t.width}" height="${t.height}" href="${t.uri}"/>`)}</defs></svg>`;
}

function thumbnailRef(t: Thumbnail, label: string): Html {
  return html`<svg class="th" viewBox="0 0 ${t.width} ${t.height}" role="img" aria-label="${label}" data-thumb="${t.id}"><use href="#${t.id}"/></svg>`;
}

/** The A↔B heatmaps among imagePaths (encoded differently: flat grey with a few red pixels). */
export function heatmapPaths(report: Report): Set<string> {
  return new Set(report.pairs.flatMap((p) => (p.diff?.heatmap ? [p.diff.heatmap] : [])));
}

export function imagePaths(report: Report): string[] {
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
  return EXTRA_COLORS[hashString(name) % EXTRA_COLORS.length] as string;
}

export function stageSum(stages: Record<string, number>): number {
  let sum = 0;
  for (const v of Object.values(stages)) if (Number.isFinite(v) && v > 0) sum += v;
  return sum;
}

const BAR_W = 260;
const BAR_H = 14;

/** A stacked bar of stage durations over a grey e2e track; both sides of a table share `scaleMs`. */
export function stageBar(stages: Record<string, number>, e2eMs: number | null, scaleMs: number, label: string): Html {
  const hasE2e = e2eMs !== null && e2eMs > 0;
  if (!(scaleMs > 0) || (!hasE2e && stageSum(stages) === 0)) return html``;
  // One decimal is a tenth of a CSS pixel: finer digits only add bytes (a bar per side of each of 650 pairs).
  const px = (ms: number) => ((ms / scaleMs) * BAR_W).toFixed(1);
  const track = hasE2e
    ? html`<rect class="track" x="0" y="0" width="${px(e2eMs as number)}" height="${BAR_H}"><title>e2e ${formatDuration(e2eMs)}</title></rect>`
    : html``;
  let x = 0;
  const rects: Html[] = [];
  for (const name of orderedStageNames(Object.keys(stages))) {
    const ms = stages[name] as number;
    if (!(Number.isFinite(ms) && ms > 0)) continue;
    const w = (ms / scaleMs) * BAR_W;
    // A stage under half a pixel is not visible and cannot be hovered: leave its rect out (report.json and
    // report.csv keep its time; the bar's e2e track still spans it).
    if (w < 0.5) {
      x += w;
      continue;
    }
    rects.push(
      html`<rect x="${x.toFixed(1)}" y="3" width="${w.toFixed(1)}" height="${BAR_H - 6}" fill="${stageColor(name)}"><title>${name}: ${formatDuration(ms)}</title></rect>`,
    );
    x += w;
  }
  return html`<svg class="bar" viewBox="0 0 ${BAR_W} ${BAR_H}" width="${BAR_W}" height="${BAR_H}" role="img" aria-label="${label}">${track}${rects}</svg>`;
}

export function swatch(name: string): Html {
  return html`<svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${stageColor(name)}"/></svg>`;
}

export function statusBadge(status: ReportSide['status']): Html {
  return html`<span class="badge st-${status}">${status}</span>`;
}

export function boundsText(b: Bounds | null): string {
  return b ? `${b.width}×${b.height} at (${b.x}, ${b.y})` : '—';
}

export function sizeText(width: number | null, height: number | null): string {
  return width !== null && height !== null ? `${width}×${height}` : '—';
}

/** Overlay for a heatmap thumbnail: a box around the changed region, visible even when the thumbnail shrinks a 1-px change away. */
export function boundsOverlay(bounds: Bounds | null, width: number | null, height: number | null): Html {
  if (!bounds || !width || !height) return html``;
  return html`<svg class="overlay" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" aria-hidden="true"><rect x="${bounds.x}" y="${bounds.y}" width="${bounds.width}" height="${bounds.height}" vector-effect="non-scaling-stroke"/></svg>`;
}

interface FigureOptions {
  caption?: Html | string;
  overlay?: Html;
  small?: boolean;
}

export function figure(label: string, rel: string | null, thumbs: Map<string, Thumbnail | null>, opts: FigureOptions = {}): Html {
  const href = rel === null ? null : safeRelativeHref(rel);
  const thumb = rel === null ? null : (thumbs.get(rel) ?? null);
  const img = thumb
    ? html`${thumbnailRef(thumb, label)}${opts.overlay ?? ''}`
    : html`<div class="ph">${rel === null ? 'no image' : 'image missing'}</div>`;
  const body = href && thumb ? html`<a class="zoom" href="${href}" target="_blank" rel="noopener" data-label="${label}">${img}</a>` : img;
  return html`<figure class="${opts.small ? 'fig small' : 'fig'}"><div class="frame">${body}</div><figcaption><b>${label}</b>${opts.caption ? html` · ${opts.caption}` : ''}</figcaption></figure>`;
}
