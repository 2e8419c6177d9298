/**
 * Text → SVG path data with the bundled fonts (Roboto Bold for Latin, Droid Sans Fallback for CJK), glyph by glyph
 * with per-character fallback. No system font is involved, so every machine draws the same pixels.
 *
 * Fonts are parsed once, lazily: Roboto on first use, the 4 MB CJK font only when a character needs it. Both are
 * parsed with opentype.js's `lowMemory` option: only the tables are read up front and each glyph is read from the
 * font's bytes the first time it is drawn. A full parse of the CJK font holds ~130 MB of JavaScript objects for its
 * 30,000 glyphs for as long as the simulator lives (in a run with embedded simulators, that is the run's main thread)
 * and takes ~1.1 s; the lazy one holds ~10 MB and takes ~0.2 s. The outlines, advances and kerning are the same
 * (fonts.test.ts compares the two over Latin, CJK and punctuation).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The small part of opentype.js used here (the package ships no type declarations). */
type OtCommand =
  | { type: 'M' | 'L'; x: number; y: number }
  | { type: 'Q'; x1: number; y1: number; x: number; y: number }
  | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: 'Z' };
interface OtPath {
  commands: OtCommand[];
}
interface OtGlyph {
  index: number;
  advanceWidth: number | undefined;
  getPath(x: number, y: number, fontSize: number): OtPath;
}
interface OtFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  charToGlyphIndex(ch: string): number;
  charToGlyph(ch: string): OtGlyph;
  getKerningValue(left: OtGlyph, right: OtGlyph): number;
}
interface OpentypeModule {
  parse(buffer: ArrayBuffer, options?: { lowMemory?: boolean }): OtFont;
}

const FONT_FILES = {
  latin: 'Roboto-Bold.ttf',
  cjk: 'DroidSansFallbackFull.ttf',
} as const;
export type FontId = keyof typeof FONT_FILES;

/** Folder of the bundled fonts, beside this module. */
export const FONT_DIR = fileURLToPath(new URL('./fonts/', import.meta.url));

let fontDir = FONT_DIR;
const fonts = new Map<FontId, OtFont>();

/**
 * Read the fonts from another folder: for bundled builds (electron-vite) where this module no longer sits beside
 * `fonts/`. Call before the first request that draws text.
 */
export function setFontDirectory(dir: string): void {
  fontDir = dir.endsWith('/') || dir.endsWith('\\') ? dir : `${dir}/`;
  fonts.clear();
}
let opentype: OpentypeModule | undefined;

function loadFont(id: FontId): OtFont {
  const cached = fonts.get(id);
  if (cached) return cached;
  // opentype.js's "main" is a UMD bundle; require() loads it the same way under Node and under vitest.
  opentype ??= createRequire(import.meta.url)('opentype.js') as OpentypeModule;
  const path = `${fontDir}${FONT_FILES[id]}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read the simulator font ${path}: ${(err as Error).message}. Reinstall the project files.`, {
      cause: err,
    });
  }
  const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { lowMemory: true });
  fonts.set(id, font);
  return font;
}

/** Which bundled font draws `ch`, or null when neither has it (it is then skipped, never drawn as a box). */
export function fontFor(ch: string): FontId | null {
  if (loadFont('latin').charToGlyphIndex(ch) > 0) return 'latin';
  if (loadFont('cjk').charToGlyphIndex(ch) > 0) return 'cjk';
  return null;
}

export interface GlyphRun {
  /** SVG path data of the whole line, baseline at y = 0, starting at x = 0, in pixels. */
  pathData: string;
  /** Advance width in pixels. */
  width: number;
  /** Characters that no bundled font has (not drawn). */
  missing: string[];
}

/** Advance width of `text` per pixel of font size (layout is linear in the size). */
export function measureText(text: string): number {
  return layoutGlyphs(text, 1, false).width;
}

/** Lay out one line at `fontSize` px: glyph outlines as SVG path data, baseline at y = 0. */
export function textPath(text: string, fontSize: number): GlyphRun {
  return layoutGlyphs(text, fontSize, true);
}

/**
 * SVG path data from opentype.js path commands, coordinates to 2 decimals. Not opentype.js's own toPathData: its
 * rounding (2.0.0) concatenates the fractional part as a string, so a coordinate like 429.00000000000006 (fraction
 * 5.7e-14, printed in exponent form) becomes "NaN" and librsvg drops the rest of that glyph and clips the line —
 * "LAUNCH DAY" at 81.92 px came out as "LAUNCH D/".
 */
export function pathData(commands: readonly OtCommand[]): string {
  const n = (v: number): string => {
    if (!Number.isFinite(v)) throw new Error(`glyph outline has a non-finite coordinate (${v})`);
    const r = Math.round(v * 100) / 100;
    return (Object.is(r, -0) ? 0 : r).toString();
  };
  let d = '';
  for (const c of commands) {
    if (c.type === 'Z') d += 'Z';
    else if (c.type === 'Q') d += `Q${n(c.x1)} ${n(c.y1)} ${n(c.x)} ${n(c.y)}`;
    else if (c.type === 'C') d += `C${n(c.x1)} ${n(c.y1)} ${n(c.x2)} ${n(c.y2)} ${n(c.x)} ${n(c.y)}`;
    else d += `${c.type}${n(c.x)} ${n(c.y)}`;
  }
  return d;
}

function layoutGlyphs(text: string, fontSize: number, withPath: boolean): GlyphRun {
  let x = 0;
  let d = '';
  const missing: string[] = [];
  let prev: { font: FontId; glyph: OtGlyph } | null = null;
  for (const ch of text) {
    if (ch === ' ' || ch === '\u3000') {
      x += fontSize * (ch === ' ' ? 0.25 : 1);
      prev = null;
      continue;
    }
    const id = fontFor(ch);
    if (id === null) {
      missing.push(ch);
      prev = null;
      continue;
    }
    const font = loadFont(id);
    const glyph = font.charToGlyph(ch);
    const scale = fontSize / font.unitsPerEm;
    if (prev && prev.font === id) x += font.getKerningValue(prev.glyph, glyph) * scale;
    // getPath already maps font units (y up) to SVG pixels (y down); flipY would turn the glyphs upside down again.
    if (withPath) d += pathData(glyph.getPath(x, 0, fontSize).commands);
    x += (glyph.advanceWidth ?? font.unitsPerEm) * scale;
    prev = { font: id, glyph };
  }
  return { pathData: d, width: x, missing };
}
