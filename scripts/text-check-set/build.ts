/**
 * `node scripts/text-check-set/build.ts [plan|render|all] [--fresh] [--out DIR]`: the labelled set behind the text check's
 * thresholds (issue 11, docs/text-check.md "Labelled set").
 *
 * - `plan` (re)writes fixtures/text-check-set/manifest.json from a fixed seed: per item the expected text, what
 *   the image really shows (the label: correct, missing, misspelled, extra, garbled, source_kept), the photo,
 *   font, colours and placement, and the split (tune / holdout). The manifest is committed; the images are not.
 * - `render` draws every item with Chromium (Debian's, through Playwright): HTML text over the repo's real
 *   photographs (fixtures/images), in the bundled fonts (core/backends/sim/fonts) and Debian's DejaVu faces.
 *   A renderer other than the simulator's own (opentype.js outlines), so the checker is not tuned to one
 *   rasteriser. Writes <out>/images/*.jpg (default out: the manifest's folder; images/ is git-ignored).
 *
 * Chromium: CHROMIUM_PATH or /usr/bin/chromium. Nothing is fetched: fonts and photos are served to the page by
 * a request route from the repo's files.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import sharp from 'sharp';
import { mulberry32 } from '../../shared/random.ts';
import { DISTRACTORS, EN_EXTRA_WORDS, EN_PHRASES, FRESH_EN_PHRASES, FRESH_ZH_PHRASES, ZH_PHRASES, ZH_POOL } from './phrases.ts';

export const LABELS = ['correct', 'missing', 'misspelled', 'extra', 'garbled', 'source_kept'] as const;
export type Label = (typeof LABELS)[number];

export interface SetItem {
  image: string;
  expected: string;
  /** For edit items: the text the source image showed. */
  source?: string;
  label: Label;
  lang: 'en' | 'zh';
  split: 'tune' | 'holdout';
  /** What is drawn (differs from `expected` unless the label is correct). Empty: no text at all. */
  drawn: string;
  style: {
    photo: string;
    font: string;
    weight: number;
    size: number;
    /** Side of the square image in pixels (absent: 1024). */
    canvas?: number;
    color: string;
    plate: string | null;
    x: number;
    y: number;
    rotate: number;
    letterSpacing: number;
    distractor: string | null;
    blur: number;
    jpeg: number;
  };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SET_DIR = join(ROOT, 'fixtures/text-check-set');
/** The second set, drawn once after the rules were settled: all of it held out (build.ts --fresh). */
export const FRESH_DIR = join(SET_DIR, 'fresh');
const PHOTOS = ['astronaut.png', 'brick.png', 'camera.png', 'chelsea.png', 'coffee.png', 'coins.png', 'hubble-deep-field.jpg', 'retina.jpg', 'rocket.jpg'];
/** Images are SIZE² (the original set; 1024², a common output size) or FRESH_SIZE² (the fresh set). */
const SIZE = 1024;
const FRESH_SIZE = 768;
const SEED = 20261202;
const FRESH_SEED = 7100411;

/** Fonts: the bundled ones (served from the repo) and Debian's DejaVu faces (fonts-dejavu-core, Chromium's own dependency). */
const EN_FONTS = ['Roboto', 'DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'DejaVu Sans Condensed'];
const ZH_FONTS = ['Droid Sans Fallback'];
const COLOURS: ReadonlyArray<{ color: string; plate: string | null }> = [
  { color: '#111111', plate: 'rgba(255,255,255,0.85)' },
  { color: '#ffffff', plate: 'rgba(10,30,60,0.8)' },
  { color: '#ffe14d', plate: 'rgba(20,20,20,0.75)' },
  { color: '#b71c1c', plate: 'rgba(255,248,231,0.9)' },
  { color: '#ffffff', plate: null },
  { color: '#101010', plate: null },
];

// ---------------------------------------------------------------------------------------------------------
// Errors: what a misrendered sign shows instead of the expected text
// ---------------------------------------------------------------------------------------------------------

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const LETTERS = 'ABCDEFGHIJKLMNOPRSTUVWY';

function caseLike(template: string, c: string): string {
  return template === template.toLowerCase() ? c.toLowerCase() : c.toUpperCase();
}

function misspellEn(text: string, rand: Rand): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => ({ w, i })).filter(({ w }) => /^[A-Za-z]{3,}$/.test(w));
  const { w, i } = pick(rand, candidates.length > 0 ? candidates : words.map((w2, i2) => ({ w: w2, i: i2 })));
  const chars = [...w];
  const at = 1 + Math.floor(rand() * Math.max(1, chars.length - 2));
  const op = Math.floor(rand() * 4);
  if (op === 0) chars.splice(at, 1); // dropped letter
  else if (op === 1 && chars[at] !== chars[at + 1] && at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!]; // swapped
  else if (op === 2) chars.splice(at, 0, caseLike(chars[at]!, pick(rand, [...LETTERS]))); // doubled/extra letter
  else {
    let c = chars[at]!;
    while (c.toUpperCase() === chars[at]!.toUpperCase()) c = caseLike(chars[at]!, pick(rand, [...LETTERS]));
    chars[at] = c; // wrong letter
  }
  words[i] = chars.join('');
  const out = words.join(' ');
  return out === text ? misspellEn(text, rand) : out;
}

function misspellZh(text: string, rand: Rand): string {
  const chars = [...text];
  const at = Math.floor(rand() * chars.length);
  let c = chars[at]!;
  while (c === chars[at]) c = pick(rand, [...ZH_POOL]);
  chars[at] = c;
  return chars.join('');
}

function missing(text: string, lang: 'en' | 'zh', rand: Rand): string {
  // A third of the missing items show no text at all; the rest lose a word (EN) or one or two characters (ZH).
  if (rand() < 1 / 3) return '';
  if (lang === 'en') {
    const words = text.split(' ');
    if (words.length < 2) return '';
    words.splice(Math.floor(rand() * words.length), 1);
    return words.join(' ');
  }
  const chars = [...text];
  const n = chars.length >= 5 && rand() < 0.5 ? 2 : 1;
  const at = Math.floor(rand() * (chars.length - n + 1));
  chars.splice(at, n);
  return chars.join('');
}

function extra(text: string, lang: 'en' | 'zh', rand: Rand): string {
  if (lang === 'en') {
    const words = text.split(' ');
    const word = rand() < 0.3 ? words[Math.floor(rand() * words.length)]! : caseLike(text, pick(rand, EN_EXTRA_WORDS));
    words.splice(Math.floor(rand() * (words.length + 1)), 0, word);
    return words.join(' ');
  }
  const chars = [...text];
  const n = rand() < 0.5 ? 2 : 1;
  for (let k = 0; k < n; k++) chars.splice(Math.floor(rand() * (chars.length + 1)), 0, rand() < 0.3 ? chars[Math.floor(rand() * chars.length)]! : pick(rand, [...ZH_POOL]));
  return chars.join('');
}

function garble(text: string, lang: 'en' | 'zh', rand: Rand): string {
  if (lang === 'zh') return [...text].map(() => pick(rand, [...ZH_POOL])).join('');
  // Letter soup of the same shape: every letter replaced, word lengths kept (what a diffusion model's
  // "text-like texture" reads as).
  return [...text].map((c) => (/[A-Za-z]/.test(c) ? caseLike(c, pick(rand, [...LETTERS])) : /[0-9]/.test(c) ? String(Math.floor(rand() * 10)) : c)).join('');
}

// ---------------------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------------------

/** Per language: 40 correct (10 of them edits with a source text) and 12 of each error kind = 100. */
const PLAN: ReadonlyArray<[Label, number]> = [
  ['correct', 40],
  ['missing', 12],
  ['misspelled', 12],
  ['extra', 12],
  ['garbled', 12],
  ['source_kept', 12],
];

/**
 * `fresh`: new phrases and a harder draw (smaller text, more tilt, more blur and JPEG loss, more small print
 * around), every item held out.
 */
export function planSet(fresh = false): SetItem[] {
  const rand = mulberry32(fresh ? FRESH_SEED : SEED);
  const side = fresh ? FRESH_SIZE : SIZE;
  const items: SetItem[] = [];
  for (const lang of ['en', 'zh'] as const) {
    const phrases = fresh ? (lang === 'en' ? FRESH_EN_PHRASES : FRESH_ZH_PHRASES) : lang === 'en' ? EN_PHRASES : ZH_PHRASES;
    let n = 0;
    for (const [label, fullCount] of PLAN) {
      // The fresh set is half as large (20 correct and 6 of each error per language) and drawn at 768².
      const count = fresh ? fullCount / 2 : fullCount;
      for (let k = 0; k < count; k++) {
        const expected = phrases[(n * 7 + k) % phrases.length]!;
        n += 1;
        let drawn = expected;
        let source: string | undefined;
        if (label === 'misspelled') drawn = lang === 'en' ? misspellEn(expected, rand) : misspellZh(expected, rand);
        else if (label === 'missing') drawn = missing(expected, lang, rand);
        else if (label === 'extra') drawn = extra(expected, lang, rand);
        else if (label === 'garbled') drawn = garble(expected, lang, rand);
        else if (label === 'source_kept') {
          source = pick(rand, phrases.filter((p) => p !== expected));
          drawn = source;
        } else if (k < count / 4) {
          source = pick(rand, phrases.filter((p) => p !== expected));
        }
        const colours = pick(rand, COLOURS);
        const font = pick(rand, lang === 'en' ? EN_FONTS : ZH_FONTS);
        const expTokens = new Set(expected.toUpperCase().split(/\s+/));
        const distractors = DISTRACTORS.filter((d) => !expTokens.has(d.toUpperCase()) && ![...d].some((c) => /\p{Script=Han}/u.test(c) && expected.includes(c)));
        const index = items.length;
        items.push({
          image: `images/${String(index).padStart(3, '0')}-${lang}-${label}.jpg`,
          expected,
          ...(source !== undefined ? { source } : {}),
          label,
          lang,
          // Alternate within each language and label, so both halves hold every kind.
          split: fresh || k % 2 === 1 ? 'holdout' : 'tune',
          drawn,
          style: {
            photo: pick(rand, PHOTOS),
            font,
            weight: rand() < 0.6 ? 700 : 400,
            size: Math.round(fresh ? 28 + rand() * 48 : lang === 'en' ? 56 + rand() * 56 : 60 + rand() * 60),
            ...(fresh ? { canvas: FRESH_SIZE } : {}),
            color: colours.color,
            plate: colours.plate,
            x: Math.round(0.1 * side + rand() * 0.1 * side),
            y: Math.round(0.15 * side + rand() * 0.55 * side),
            rotate: Math.round((rand() - 0.5) * (fresh ? 12 : 6) * 10) / 10,
            letterSpacing: Math.round(rand() * 4),
            distractor: rand() < (fresh ? 0.4 : 0.25) ? pick(rand, distractors) : null,
            blur: rand() < (fresh ? 0.35 : 0.2) ? (fresh ? 1.2 : 0.8) : 0,
            jpeg: Math.round((fresh ? 55 : 70) + rand() * 25),
          },
        });
      }
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------------
// Render
// ---------------------------------------------------------------------------------------------------------

const FONT_FILES: Record<string, string> = {
  'Roboto.ttf': join(ROOT, 'core/backends/sim/fonts/Roboto-Bold.ttf'),
  'DroidSansFallback.ttf': join(ROOT, 'core/backends/sim/fonts/DroidSansFallbackFull.ttf'),
};

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function itemHtml(item: SetItem): string {
  const s = item.style;
  const shadow = s.plate ? 'none' : s.color === '#ffffff' ? '0 0 6px rgba(0,0,0,0.9), 0 0 2px #000' : '0 0 6px rgba(255,255,255,0.9), 0 0 2px #fff';
  const sign = item.drawn
    ? `<div class="sign" data-fit style="left:${s.x}px;top:${s.y}px;transform:rotate(${s.rotate}deg);font-family:'${s.font}';font-weight:${s.weight};font-size:${s.size}px;` +
      `letter-spacing:${s.letterSpacing}px;color:${s.color};background:${s.plate ?? 'transparent'};text-shadow:${shadow}">${escapeHtml(item.drawn)}</div>`
    : '';
  const distractor = s.distractor
    ? `<div class="sign" style="right:40px;bottom:40px;font-family:'DejaVu Sans','Droid Sans Fallback';font-size:28px;color:#fff;background:rgba(0,0,0,0.55)">${escapeHtml(s.distractor)}</div>`
    : '';
  return `<img src="/photo/${s.photo}" style="filter:blur(${s.blur}px)">${sign}${distractor}`;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
@font-face { font-family: 'Roboto'; src: url('/font/Roboto.ttf'); }
@font-face { font-family: 'Droid Sans Fallback'; src: url('/font/DroidSansFallback.ttf'); }
html, body { margin: 0; padding: 0; }
#stage { position: relative; overflow: hidden; }
#stage img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
.sign { position: absolute; padding: 0.12em 0.4em; white-space: nowrap; transform-origin: left top; line-height: 1.2; }
</style><script>
window.renderItem = async (html, side) => {
  const stage = document.getElementById('stage');
  stage.style.width = side + 'px';
  stage.style.height = side + 'px';
  stage.innerHTML = html;
  await Promise.all([...stage.querySelectorAll('img')].map((img) => img.decode()));
  await document.fonts.ready;
  // Shrink a sign that would run off the picture: a "correct" item must show all of its text.
  for (const sign of stage.querySelectorAll('.sign[data-fit]')) {
    const room = stage.clientWidth - sign.offsetLeft - 30;
    if (sign.offsetWidth > room) sign.style.fontSize = Math.floor((parseFloat(sign.style.fontSize) * room) / sign.offsetWidth) + 'px';
  }
};
</script></head><body><div id="stage"></div></body></html>`;

export async function renderSet(items: readonly SetItem[], outDir: string): Promise<void> {
  await mkdir(join(outDir, 'images'), { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
    // Everything the page loads comes from the repo through this route; any other request is refused.
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== 'set.invalid') return route.abort();
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE });
      if (url.pathname.startsWith('/font/')) {
        const file = FONT_FILES[basename(url.pathname)];
        return file ? route.fulfill({ contentType: 'font/ttf', body: await readFile(file) }) : route.abort();
      }
      if (url.pathname.startsWith('/photo/') && PHOTOS.includes(basename(url.pathname))) {
        return route.fulfill({ body: await readFile(join(ROOT, 'fixtures/images', basename(url.pathname))) });
      }
      return route.abort();
    });
    await page.goto('http://set.invalid/');
    for (const item of items) {
      // The page's own script draws the item (this file is type-checked without the DOM library).
      await page.evaluate(`window.renderItem(${JSON.stringify(itemHtml(item))}, ${item.style.canvas ?? SIZE})`);
      const png = await page.locator('#stage').screenshot({ type: 'png' });
      await sharp(png).jpeg({ quality: item.style.jpeg }).toFile(join(outDir, item.image));
    }
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outValue = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const mode = args.find((a) => !a.startsWith('--') && a !== outValue) ?? 'all';
  const fresh = args.includes('--fresh');
  const setDir = fresh ? FRESH_DIR : SET_DIR;
  const manifest = join(setDir, 'manifest.json');
  const outFlag = args.indexOf('--out');
  const outDir = outFlag >= 0 ? resolve(args[outFlag + 1] ?? '') : setDir;
  if (!['plan', 'render', 'all'].includes(mode)) throw new Error('usage: node scripts/text-check-set/build.ts [plan|render|all] [--fresh] [--out DIR]');
  let items: SetItem[];
  if (mode === 'plan' || mode === 'all') {
    items = planSet(fresh);
    await mkdir(setDir, { recursive: true });
    await writeFile(manifest, `${JSON.stringify(items, null, 1)}\n`);
    process.stdout.write(`manifest: ${items.length} items → ${manifest.slice(ROOT.length)}\n`);
  } else {
    items = JSON.parse(await readFile(manifest, 'utf8')) as SetItem[];
  }
  if (mode === 'render' || mode === 'all') {
    const started = performance.now();
    await renderSet(items, outDir);
    if (outDir !== setDir) await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(items, null, 1)}\n`);
    process.stdout.write(`rendered ${items.length} images in ${((performance.now() - started) / 1000).toFixed(0)} s → ${join(outDir, 'images')}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
