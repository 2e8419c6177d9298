/**
 * Chinese in a self-contained report.html (issue 13): a machine without a CJK font shows empty boxes, so the report
 * embeds the bundled Droid Sans Fallback (Apache-2.0, core/backends/sim/fonts) cut down to the glyphs the page
 * uses, as WOFF2 in an @font-face data: URL. The full font is 4 MB; a demo report needs a few hundred glyphs
 * (tens of kB).
 *
 * Subsetting is subset-font (HarfBuzz's hb-subset compiled to WebAssembly, no native module, no download): a
 * maintained subsetter rather than hand-written table surgery.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import subsetFont from 'subset-font';
import { FONT_DIR } from '../backends/sim/fonts.ts';
import { ThumbnailCache } from './thumbnails.ts';

/** The family name the report's style lists after the system fonts (html-style.ts). */
export const CJK_FAMILY = 'Omni Review CJK';
const CJK_FILE = 'DroidSansFallbackFull.ttf';

/**
 * Characters the embedded font must cover: everything from CJK Radicals (U+2E80) up, which includes CJK
 * punctuation, kana, Hangul, ideographs and fullwidth forms. Latin, digits and the rest use the system's fonts.
 */
export function cjkCharacters(text: string): string {
  const set = new Set<string>();
  for (const ch of text) if ((ch.codePointAt(0) ?? 0) >= 0x2e80) set.add(ch);
  return [...set].sort().join('');
}

let fontBytes: Promise<Buffer> | null = null;

/** The bundled CJK font's bytes (read once per process). */
function bundledFont(dir = FONT_DIR): Promise<Buffer> {
  fontBytes ??= readFile(join(dir, CJK_FILE)).catch((err: unknown) => {
    fontBytes = null;
    throw err;
  });
  return fontBytes;
}

/** A WOFF2 subset of the bundled CJK font holding the glyphs of `characters` (and nothing else of note). */
export async function cjkSubsetWoff2(characters: string): Promise<Buffer> {
  return subsetFont(await bundledFont(), characters, { targetFormat: 'woff2' });
}

/**
 * The @font-face rule for `text`'s CJK characters, or null when the text has none (no font is embedded). With a
 * cache the subset is made once per character set: HarfBuzz and the WOFF2 compression take about a second of a
 * report's re-render (docs/performance.md "Reports that scale").
 */
export async function cjkFontFace(text: string, cache: ThumbnailCache = new ThumbnailCache(null)): Promise<string | null> {
  const chars = cjkCharacters(text);
  if (chars === '') return null;
  const key = ThumbnailCache.keyOfText(`${CJK_FILE}|woff2|${chars}`);
  let woff2 = (await cache.get(key))?.data;
  if (!woff2) {
    woff2 = await cjkSubsetWoff2(chars);
    await cache.put(key, { mime: 'font/woff2', data: woff2, width: 0, height: 0 });
  }
  return `@font-face{font-family:"${CJK_FAMILY}";src:url(data:font/woff2;base64,${woff2.toString('base64')}) format("woff2");font-display:block}`;
}
