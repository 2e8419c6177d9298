import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONT_DIR } from '../backends/sim/fonts.ts';
import { cjkCharacters, cjkFontFace, cjkSubsetWoff2 } from './cjk-font.ts';

// Neither ships type declarations: the calls used here.
const require = createRequire(import.meta.url);
const opentype = require('opentype.js') as { parse(buffer: ArrayBuffer): { numGlyphs: number; charToGlyphIndex(ch: string): number } };
const fontverter = require('fontverter') as { convert(buffer: Buffer, to: 'sfnt'): Promise<Buffer>; detectFormat(buffer: Buffer): string };

async function parseWoff2(woff2: Buffer) {
  expect(fontverter.detectFormat(woff2)).toBe('woff2');
  const sfnt = await fontverter.convert(woff2, 'sfnt');
  return opentype.parse(sfnt.buffer.slice(sfnt.byteOffset, sfnt.byteOffset + sfnt.byteLength) as ArrayBuffer);
}

describe('the embedded CJK font', () => {
  it('keeps only CJK characters, once each', () => {
    expect(cjkCharacters('Open 新鲜咖啡 新鲜 — “quoted” 營業中。')).toBe([...'。中咖啡新業營鲜'].sort().join(''));
    expect(cjkCharacters('plain ASCII and é')).toBe('');
  });

  it('holds every CJK character the text uses and not the whole font', async () => {
    const text = '<p>新鲜咖啡</p><p>營業中・春聯</p>';
    const woff2 = await cjkSubsetWoff2(cjkCharacters(text));
    const subset = await parseWoff2(woff2);
    for (const ch of cjkCharacters(text)) expect(subset.charToGlyphIndex(ch), ch).toBeGreaterThan(0);
    // A character the text does not use is not there.
    expect(subset.charToGlyphIndex('龘')).toBe(0);
    const fullBytes = await readFile(join(FONT_DIR, 'DroidSansFallbackFull.ttf'));
    const full = opentype.parse(fullBytes.buffer.slice(fullBytes.byteOffset, fullBytes.byteOffset + fullBytes.byteLength) as ArrayBuffer);
    expect(full.charToGlyphIndex('龘')).toBeGreaterThan(0);
    expect(subset.numGlyphs).toBeLessThan(50);
    expect(full.numGlyphs).toBeGreaterThan(10_000);
    expect(woff2.length).toBeLessThan(fullBytes.length / 100);
  });

  it('makes an @font-face data URL only when there is CJK text', async () => {
    expect(await cjkFontFace('English only')).toBeNull();
    const css = await cjkFontFace('招牌');
    expect(css).toMatch(/^@font-face\{font-family:"Omni Review CJK";src:url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\) format\("woff2"\);font-display:block\}$/);
  });
});
