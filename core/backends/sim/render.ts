/**
 * The simulated model: really applies the edit to the input image, deterministically.
 *
 * 1. Base (`prepareBase`): the first input decoded (EXIF orientation applied, alpha flattened onto white, RGB) and
 *    resized to the output size with fit "cover" (scaled to fill, centre-cropped: no letterbox bars, no stretching,
 *    like the pipelines' own resize to the computed size). Further inputs (multi-image models) are pasted as insets
 *    in the bottom-right corner. Generation synthesises a background from the prompt and seed instead.
 * 2. Edit (`applyEdit`): style filters for style keywords; the quoted spans drawn on a sign; with neither, a mild
 *    warm grade and vignette. Whole-image edits also get seeded local variation (`localVariation`). Then the side's
 *    signature: seeded ±2-level noise and, for B, a 3 % gamma lift and text one pixel off (`variantFor`).
 * 3. Encode (`encodeImage`): png (default), jpeg or webp.
 * Steps and CFG change the timing, never the pixels.
 */
import sharp, { type OverlayOptions } from 'sharp';
import type { BackendKind } from '../../../shared/model.ts';
import { quotedSpans } from '../../../shared/expected-text.ts';
import { applyTextFault, keepsSourceText, type TextFaultKind } from './faults.ts';
import { mulberry32, mulberry32Words } from '../../../shared/random.ts';
import { hash32, hashUnit } from './hash.ts';
import { type StyleId, detectColours, detectStyles } from './prompt-words.ts';
import { type RawRgb, sharpOf, solid, toRawRgb } from './raster.ts';
import { applyStyles, defaultGrade } from './styles.ts';
import { type TextLayout, drawText, planTextLayout } from './text-render.ts';

export type OutputFormat = 'png' | 'jpeg' | 'webp';

export interface RenderJob {
  kind: BackendKind;
  prompt: string;
  seed: number;
  /** Output size (already floored to the pipeline multiple). */
  width: number;
  height: number;
  /** Encoded input images, in order; empty for generation. */
  inputs: readonly Uint8Array[];
  /** Stable id of the request (prompt, seed, size, inputs); seeds the noise and the typo. */
  identity: string;
  faults?: { typo?: boolean; blank?: boolean; wrongSize?: boolean };
  /**
   * The text the first input shows, when the simulator drew it there itself (an earlier turn's output it
   * remembers: context.ts shownTextOf); a "typo" fault may then leave it in place (`source_kept`).
   */
  sourceText?: readonly string[];
}

export interface EditResult {
  image: RawRgb;
  /** The lines actually drawn (after any typo fault). */
  drawnText: string[];
  styles: StyleId[];
  layout: TextLayout | null;
  /** Which edit was applied when neither text nor style was asked for. */
  defaultGrade: boolean;
  /** A "typo" fault: which quoted span it changed (-1: none, for `source_kept`) and the kind of text failure it drew. */
  textFault?: { span: number; kind: TextFaultKind };
  /** The text the output shows: what was drawn, else the input's text left in place (a later turn's source text). */
  shownText: string[];
}

/** How one stack's output differs from the other's. */
export interface Variant {
  tweak: number;
  textOffsetPx: number;
  gamma: number;
}

export function variantFor(kind: BackendKind): Variant {
  return kind === 'vllm-omni' ? { tweak: 1, textOffsetPx: 0, gamma: 1 } : { tweak: 1.06, textOffsetPx: 1, gamma: 1.03 };
}

/** Decode one input image to RGB at the output size (see the module comment for the fit). */
export async function decodeToSize(bytes: Uint8Array, width: number, height: number): Promise<RawRgb> {
  return toRawRgb(
    sharp(bytes, { autoOrient: true, failOn: 'error' })
      .flatten({ background: '#ffffff' })
      .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' }),
  );
}

export async function prepareBase(job: RenderJob): Promise<RawRgb> {
  const [first, ...rest] = job.inputs;
  if (!first) return synthesiseBackground(job.prompt, job.seed, job.width, job.height);
  const base = await decodeToSize(first, job.width, job.height);
  if (rest.length === 0) return base;
  // Multi-reference edit: the other references appear as insets, bottom right, right to left.
  const insetW = Math.max(8, Math.round(job.width / 4));
  const insetH = Math.max(8, Math.round(job.height / 4));
  const margin = Math.round(Math.min(job.width, job.height) * 0.02);
  const border = Math.max(1, Math.round(Math.min(insetW, insetH) / 40));
  const overlays: OverlayOptions[] = [];
  for (const [i, bytes] of rest.slice(0, 3).entries()) {
    const inset = await decodeToSize(bytes, insetW - 2 * border, insetH - 2 * border);
    const framed = await toRawRgb(
      sharpOf(inset).extend({ top: border, bottom: border, left: border, right: border, background: '#ffffff' }),
    );
    const left = job.width - margin - (i + 1) * insetW - i * margin;
    if (left < 0) break;
    overlays.push({
      input: framed.data,
      raw: { width: framed.width, height: framed.height, channels: 3 },
      left,
      top: Math.max(0, job.height - margin - insetH),
    });
  }
  return overlays.length === 0 ? base : toRawRgb(sharpOf(base).composite(overlays));
}

const BACKGROUND_PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [38, 70, 83],
  [42, 157, 143],
  [233, 196, 106],
  [244, 162, 97],
  [231, 111, 81],
  [69, 123, 157],
  [168, 218, 220],
  [29, 53, 87],
  [131, 56, 236],
  [255, 190, 11],
  [58, 134, 255],
  [251, 86, 7],
];

function hex(rgb: readonly [number, number, number]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function mix(a: readonly [number, number, number], b: readonly [number, number, number], t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * Text-to-image: a gradient sky, a horizon and a few soft shapes. Colours and layout come from the prompt (named
 * colours first); the seed nudges every shape by a few percent, so another seed is a visibly different take on the
 * same picture.
 */
export async function synthesiseBackground(prompt: string, seed: number, width: number, height: number): Promise<RawRgb> {
  const named = detectColours(prompt);
  const pick = (i: number): readonly [number, number, number] =>
    named[i] ?? BACKGROUND_PALETTE[hash32('bg-colour', prompt, i) % BACKGROUND_PALETTE.length]!;
  const top = pick(0);
  const bottom = mix(pick(1), [20, 20, 30], 0.35);
  const accent = pick(2);
  const u = (...parts: Array<string | number>): number => hashUnit('bg', prompt, ...parts);
  const s = (...parts: Array<string | number>): number => (hashUnit('bg-seed', seed, ...parts) - 0.5) * 0.08;
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const cx = (u('x', i) + s('x', i)) * width;
    const cy = (0.15 + 0.6 * u('y', i) + s('y', i)) * height;
    const rx = (0.06 + 0.14 * u('r', i)) * Math.min(width, height);
    const ry = rx * (0.6 + 0.8 * u('e', i));
    const colour = hex(mix(accent, i % 2 === 0 ? top : [255, 255, 255], 0.2 + 0.5 * u('c', i)));
    shapes.push(`<ellipse cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" fill="${colour}" fill-opacity="0.6"/>`);
  }
  const horizon = (0.62 + 0.12 * u('h') + s('h')) * height;
  const ridge: string[] = [`M0 ${height}`, `L0 ${horizon.toFixed(1)}`];
  for (let i = 1; i <= 6; i++) {
    ridge.push(`L${((i / 6) * width).toFixed(1)} ${(horizon + (u('ridge', i) - 0.5 + s('ridge', i)) * 0.12 * height).toFixed(1)}`);
  }
  ridge.push(`L${width} ${height}`, 'Z');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${hex(top)}"/>` +
    `<stop offset="1" stop-color="${hex(mix(top, [255, 255, 255], 0.45))}"/></linearGradient></defs>` +
    `<rect width="${width}" height="${height}" fill="url(#sky)"/>${shapes.join('')}` +
    `<path d="${ridge.join(' ')}" fill="${hex(bottom)}"/></svg>`;
  return toRawRgb(sharp(Buffer.from(svg)).resize(width, height, { fit: 'fill' }));
}

export async function applyEdit(base: RawRgb, job: RenderJob): Promise<EditResult> {
  const variant = variantFor(job.kind);
  const spans = quotedSpans(job.prompt);
  const styles = detectStyles(job.prompt);
  const isEdit = job.inputs.length > 0;
  const useGrade = isEdit && spans.length === 0 && styles.length === 0;
  let img = styles.length > 0 ? await applyStyles(base, styles, variant.tweak) : useGrade ? await defaultGrade(base, variant.tweak) : base;

  // Whole-image edits (styles, the default grade, generation) get the model's own local variation, seeded by the
  // stack and the seed; text-only edits leave the rest of the picture alone.
  if (styles.length > 0 || useGrade || !isEdit) {
    if (img === base) img = { ...base, data: Buffer.from(base.data) };
    localVariation(img, hash32('variation', job.kind, job.seed, job.prompt));
  }

  let drawnText = spans;
  let textFault: { span: number; kind: TextFaultKind } | undefined;
  let layout: TextLayout | null = null;
  if (spans.length > 0 && job.faults?.typo && keepsSourceText(job.sourceText, spans, job.identity)) {
    // The edit left the input's text in place: nothing new is drawn.
    textFault = { span: -1, kind: 'source_kept' };
    drawnText = [];
  } else if (spans.length > 0) {
    if (job.faults?.typo) {
      const rng = mulberry32(hash32('typo', job.identity));
      const which = Math.floor(rng() * spans.length);
      const fault = applyTextFault(spans[which]!, rng);
      textFault = { span: which, kind: fault.kind };
      drawnText = spans.map((s, i) => (i === which ? fault.text : s));
    }
    // The layout is planned from the intended text so a typo does not move or resize the sign; added words
    // would run off it, so "extra" plans from the text as drawn.
    const planned = planTextLayout(textFault?.kind === 'extra' ? drawnText : spans, img.width, img.height, job.prompt, job.seed);
    layout = planned && { ...planned, lines: planned.lines.map((l, i) => ({ ...l, text: drawnText[i] ?? l.text })) };
    if (layout) img = await drawText(img, layout, variant.textOffsetPx);
  }

  img = signature(img === base ? { ...base, data: Buffer.from(base.data) } : img, variant, hash32('noise', job.kind, job.identity));

  if (job.faults?.blank) {
    const grey = 110 + (hash32('blank', job.identity) % 40);
    img = solid(img.width, img.height, [grey, grey, grey]);
  }
  if (job.faults?.wrongSize) {
    const size = wrongSize(img.width, img.height);
    img = await toRawRgb(sharpOf(img).resize(size.width, size.height, { fit: 'fill' }));
  }
  const shownText = job.faults?.blank ? [] : drawnText.length > 0 ? drawnText : [...(job.sourceText ?? [])];
  return { image: img, drawnText, styles, layout, defaultGrade: useGrade, ...(textFault ? { textFault } : {}), shownText };
}

/** The size a "wrong-size" fault returns: three quarters of the width (a 16-multiple), never the requested one. */
export function wrongSize(width: number, height: number): { width: number; height: number } {
  const w = Math.max(16, Math.round((width * 0.75) / 16) * 16);
  return { width: w === width ? width + 16 : w, height };
}

/**
 * A few soft light and dark patches at seeded places: how two runs of a diffusion model differ in detail. Another
 * seed or the other stack puts them elsewhere, so outputs differ by a few percent of pixels (pixelmatch 0.1) while
 * SSIM stays high. In place.
 */
export function localVariation(img: RawRgb, seed: number): RawRgb {
  const rng = mulberry32(seed);
  const side = Math.min(img.width, img.height);
  const sigma = Math.max(1, 0.05 * side);
  const reach = Math.ceil(3 * sigma);
  const d = img.data;
  for (let b = 0; b < 4; b++) {
    const cx = Math.floor(rng() * img.width);
    const cy = Math.floor(rng() * img.height);
    const amp = (rng() < 0.5 ? -1 : 1) * (36 + 10 * rng());
    for (let y = Math.max(0, cy - reach); y < Math.min(img.height, cy + reach); y++) {
      for (let x = Math.max(0, cx - reach); x < Math.min(img.width, cx + reach); x++) {
        const r2 = (x - cx) ** 2 + (y - cy) ** 2;
        const delta = amp * Math.exp(-r2 / (2 * sigma * sigma));
        if (delta > -0.5 && delta < 0.5) continue;
        const i = (y * img.width + x) * 3;
        d[i] = Math.min(255, Math.max(0, d[i]! + delta));
        d[i + 1] = Math.min(255, Math.max(0, d[i + 1]! + delta));
        d[i + 2] = Math.min(255, Math.max(0, d[i + 2]! + delta));
      }
    }
  }
  return img;
}

const NOISE_STEPS = [-2, -1, -1, 0, 0, 1, 1, 2] as const;

/** Seeded ±2-level noise and the side's gamma, in place: one table lookup per byte. */
function signature(img: RawRgb, variant: Variant, seed: number): RawRgb {
  const table = new Uint8Array(256 * 8);
  for (let v = 0; v < 256; v++) {
    const g = variant.gamma === 1 ? v : 255 * Math.pow(v / 255, 1 / variant.gamma);
    for (let n = 0; n < 8; n++) table[(v << 3) | n] = Math.min(255, Math.max(0, Math.round(g + NOISE_STEPS[n]!)));
  }
  const d = img.data;
  const next = mulberry32Words(seed);
  let bits = 0;
  let r = 0;
  for (let i = 0; i < d.length; i++) {
    if (bits < 3) {
      // 10 noise draws of 3 bits per 32-bit word.
      r = next();
      bits = 30;
    }
    d[i] = table[(d[i]! << 3) | (r & 7)]!;
    r >>>= 3;
    bits -= 3;
  }
  return img;
}

const MIME: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export async function encodeImage(img: RawRgb, format: OutputFormat): Promise<{ bytes: Buffer; mime: string }> {
  const p = sharpOf(img);
  // PNG at a low zlib level: the noise makes outputs photo-like and incompressible, and level 6 would double the
  // encode time for a 1-2 % smaller file.
  const bytes =
    format === 'png'
      ? await p.png({ compressionLevel: 2 }).toBuffer()
      : format === 'jpeg'
        ? await p.jpeg({ quality: 92 }).toBuffer()
        : await p.webp({ quality: 92 }).toBuffer();
  return { bytes, mime: MIME[format] };
}

/** All three steps at once (tests, benches, the CLI's preview). */
export async function renderImage(job: RenderJob, format: OutputFormat = 'png'): Promise<EditResult & { bytes: Buffer; mime: string }> {
  const base = await prepareBase(job);
  const edit = await applyEdit(base, job);
  return { ...edit, ...(await encodeImage(edit.image, format)) };
}
