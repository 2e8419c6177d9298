import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FONT_DIR, fontFor, measureText, pathData, setFontDirectory, textPath } from './fonts.ts';
import { drawText, planTextLayout } from './text-render.ts';

describe('fonts', () => {
  it('lays out Latin text with kerning-aware advances and real outlines', () => {
    expect(fontFor('W')).toBe('latin');
    const run = textPath('HELLO', 40);
    expect(run.width).toBeCloseTo(measureText('HELLO') * 40, 6);
    expect(run.pathData).toMatch(/^M-?[\d.]+ ?-?[\d.]+/);
    // Glyphs sit above the baseline (y = 0) in SVG coordinates: mostly negative y values.
    const ys = [...run.pathData.matchAll(/[ML](-?[\d.]+) ?(-?[\d.]+)/g)].map((m) => Number(m[2]));
    expect(ys.filter((y) => y < 0).length).toBeGreaterThan(ys.length / 2);
  });

  it('never writes NaN into path data, even where a coordinate has a tiny float remainder', () => {
    // The demo's "LAUNCH DAY" banner at 768x512 plans 81.92 px text; the "A" lands at x = 429.00000000000006,
    // which opentype.js's own toPathData printed as "NaN" (the A and Y were then clipped away).
    expect(textPath('LAUNCH DAY', 81.92).pathData).not.toMatch(/NaN/);
    for (let size = 6; size < 200; size += 0.37) expect(textPath('LAUNCH DAY 天增歲月', size).pathData).not.toMatch(/NaN|e-/);
    expect(pathData([{ type: 'M', x: 429.00000000000006, y: -58.24 }, { type: 'L', x: 1e-15, y: -0.004 }, { type: 'Z' }])).toBe('M429 -58.24L0 0Z');
  });

  it('draws the whole line: ink reaches the end of the laid-out width (the demo banner case)', async () => {
    const prompt = 'Hang a wide banner between the two towers on the left that reads "LAUNCH DAY" in large white sans-serif letters';
    const layout = planTextLayout(['LAUNCH DAY'], 768, 512, prompt, 1)!;
    expect(layout.fontSize).toBeCloseTo(81.92, 2);
    const img = await drawText({ width: 768, height: 512, data: Buffer.alloc(768 * 512 * 3, 128) }, layout, 0);
    const rgbOf = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const ink = rgbOf(layout.colours.text);
    const plate = rgbOf(layout.colours.plate);
    const dist = (i: number, c: number[]): number => c.reduce((s, v, k) => s + Math.abs(img.data[i + k]! - v), 0);
    let right = -1;
    const line = layout.lines[0]!;
    const row0 = Math.round(line.baseline - layout.fontSize * 0.7);
    for (let y = row0; y < line.baseline; y++) {
      // Stop well inside the plate's border, which some palettes draw in the text colour.
      for (let x = layout.plate.x + layout.fontSize * 0.25; x < line.x + line.width + 0.2 * layout.fontSize; x++) {
        const i = (y * 768 + Math.round(x)) * 3;
        if (dist(i, ink) < dist(i, plate)) right = Math.max(right, x);
      }
    }
    // The "Y" ends a few pixels inside its advance width; before the fix ink stopped near 60 % of the line.
    expect(right).toBeGreaterThan(line.x + line.width - 0.1 * layout.fontSize);
  });

  it('skips characters no bundled font has instead of drawing boxes', () => {
    const run = textPath('A\u{10FFFD}B', 20);
    expect(run.missing).toEqual(['\u{10FFFD}']);
    expect(run.width).toBeCloseTo(textPath('AB', 20).width, 6);
  });

  it('says which file it could not read when pointed at the wrong folder', () => {
    try {
      setFontDirectory('/nonexistent/fonts');
      expect(() => measureText('A')).toThrow(/cannot read the simulator font \/nonexistent\/fonts\/Roboto-Bold\.ttf/);
    } finally {
      setFontDirectory(FONT_DIR);
    }
    expect(measureText('A')).toBeGreaterThan(0);
  });

  it('draws with the lazily parsed fonts exactly what a full parse of the same files gives', () => {
    // fonts.ts parses with opentype.js's lowMemory option (glyphs read on first use) to keep ~130 MB of glyph
    // objects out of the simulator's heap; the outlines, advances and kerning must not change with it.
    interface FullGlyph {
      advanceWidth: number;
      getPath(x: number, y: number, size: number): { commands: Parameters<typeof pathData>[0] };
    }
    interface FullFont {
      unitsPerEm: number;
      charToGlyph(ch: string): FullGlyph;
      getKerningValue(a: FullGlyph, b: FullGlyph): number;
    }
    const opentype = createRequire(import.meta.url)('opentype.js') as { parse(b: ArrayBuffer): FullFont };
    const full = (file: string): FullFont => {
      const bytes = readFileSync(`${FONT_DIR}${file}`);
      return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    };
    const fonts = { latin: full('Roboto-Bold.ttf'), cjk: full('DroidSansFallbackFull.ttf') };
    const chars = [...'AVWaytT019,.!?&@"', ...'天增歲月发射成功任务圆满完成，。！？「」、：；０１ＡＢ', ...'€£¥©®™…—–'];
    for (let code = 0x4e00; code < 0x9fff; code += 97) chars.push(String.fromCodePoint(code));
    const size = 37.3;
    const drawn = chars.filter((ch) => fontFor(ch) !== null);
    expect(drawn.length).toBeGreaterThan(chars.length * 0.95);
    for (const ch of drawn) {
      const id = fontFor(ch)!;
      const glyph = fonts[id].charToGlyph(ch);
      const run = textPath(ch, size);
      expect(run.pathData, ch).toBe(pathData(glyph.getPath(0, 0, size).commands));
      expect(run.width, ch).toBeCloseTo((glyph.advanceWidth * size) / fonts[id].unitsPerEm, 9);
    }
    const [a, v] = [fonts.latin.charToGlyph('A'), fonts.latin.charToGlyph('V')];
    const kern = fonts.latin.getKerningValue(a, v);
    expect(kern).not.toBe(0);
    expect(textPath('AV', size).width).toBeCloseTo(((a.advanceWidth + kern + v.advanceWidth) * size) / fonts.latin.unitsPerEm, 9);
  });
});
