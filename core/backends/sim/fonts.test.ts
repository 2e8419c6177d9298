import { describe, expect, it } from 'vitest';
import { FONT_DIR, fontFor, measureText, setFontDirectory, textPath } from './fonts.ts';

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
});
