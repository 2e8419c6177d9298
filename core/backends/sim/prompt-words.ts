/**
 * What the simulated "model" understands of a prompt: the quoted text to draw, style keywords, and where to put the
 * text. Keywords are matched outside the quoted spans only, so `a sign saying "NIGHT SALE"` draws the words and
 * does not turn the picture into a night scene.
 */
import { quotedSpans } from '../../../shared/expected-text.ts';

/** Style id → keywords (English and Chinese). A prompt may name several; they apply in this order. */
export const STYLE_KEYWORDS = {
  watercolor: ['watercolor', 'watercolour', 'aquarelle', '水彩'],
  'oil-painting': ['oil painting', 'oil-painting', 'oil paint', 'oil on canvas', '油画'],
  'pencil-sketch': ['pencil sketch', 'pencil drawing', 'pencil', 'sketch', 'charcoal', '素描', '铅笔画'],
  cyberpunk: ['cyberpunk', 'neon', 'synthwave', '赛博朋克', '霓虹'],
  sepia: ['sepia', 'vintage', 'old photo', 'old photograph', '复古', '怀旧', '老照片'],
  'black-and-white': ['black and white', 'black-and-white', 'b&w', 'monochrome', 'grayscale', 'greyscale', '黑白'],
  'pop-art': ['pop art', 'pop-art', 'warhol', 'comic book', '波普'],
  'pixel-art': ['pixel art', 'pixel-art', 'pixelated', '8-bit', '8 bit', 'retro game', '像素'],
  impressionist: ['impressionist', 'impressionism', 'van gogh', 'monet', 'starry night', '印象派', '梵高'],
  night: ['night', 'nighttime', 'night-time', 'at midnight', 'moonlight', 'after dark', '夜晚', '夜景', '晚上'],
} as const satisfies Record<string, readonly string[]>;

export type StyleId = keyof typeof STYLE_KEYWORDS;
export const STYLE_IDS = Object.keys(STYLE_KEYWORDS) as StyleId[];

export type VerticalPosition = 'top' | 'center' | 'bottom';
export type HorizontalPosition = 'left' | 'center' | 'right';

const VERTICAL_WORDS: ReadonlyArray<readonly [VerticalPosition, readonly string[]]> = [
  ['top', ['top', 'upper', 'header', 'headline', '顶部', '上方', '上面', '顶端']],
  ['bottom', ['bottom', 'lower', 'footer', 'caption', '底部', '下方', '下面', '底端']],
  ['center', ['center', 'centre', 'middle', 'centered', 'centred', '中间', '中央', '正中']],
];
const HORIZONTAL_WORDS: ReadonlyArray<readonly [HorizontalPosition, readonly string[]]> = [
  ['left', ['left', '左']],
  ['right', ['right', '右']],
];

/** The prompt with its quoted spans blanked out: what keyword matching looks at. */
export function instructionText(prompt: string): string {
  let out = prompt;
  for (const span of quotedSpans(prompt)) out = out.replace(span, ' ');
  return out.toLowerCase();
}

function hasCjk(s: string): boolean {
  return /[\p{Script=Han}]/u.test(s);
}

/** Whole-word match for Latin keywords ("night" is not in "knight"); substring match for Chinese ones. */
export function containsKeyword(text: string, keyword: string): boolean {
  if (hasCjk(keyword)) return text.includes(keyword);
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text);
}

/** Style ids the prompt asks for, in application order. */
export function detectStyles(prompt: string): StyleId[] {
  const text = instructionText(prompt);
  return STYLE_IDS.filter((id) => STYLE_KEYWORDS[id].some((kw) => containsKeyword(text, kw)));
}

/** Where the prompt wants the text; center/center unless it says otherwise. */
export function detectTextPosition(prompt: string): { vertical: VerticalPosition; horizontal: HorizontalPosition } {
  const text = instructionText(prompt);
  const vertical = VERTICAL_WORDS.find(([, words]) => words.some((w) => containsKeyword(text, w)))?.[0] ?? 'center';
  const horizontal = HORIZONTAL_WORDS.find(([, words]) => words.some((w) => containsKeyword(text, w)))?.[0] ?? 'center';
  return { vertical, horizontal };
}

const COLOUR_WORDS: ReadonlyArray<readonly [string, readonly [number, number, number]]> = [
  ['red', [200, 40, 40]],
  ['orange', [235, 130, 30]],
  ['yellow', [240, 210, 50]],
  ['green', [50, 150, 70]],
  ['blue', [40, 90, 200]],
  ['purple', [120, 60, 170]],
  ['pink', [235, 120, 170]],
  ['brown', [120, 80, 45]],
  ['black', [25, 25, 30]],
  ['white', [240, 240, 235]],
  ['gray', [128, 128, 128]],
  ['grey', [128, 128, 128]],
  ['红', [200, 40, 40]],
  ['蓝', [40, 90, 200]],
  ['绿', [50, 150, 70]],
  ['黄', [240, 210, 50]],
];

/** Colours a generation prompt names, in prompt order (they tint the synthesised background). */
export function detectColours(prompt: string): Array<readonly [number, number, number]> {
  const text = instructionText(prompt);
  return COLOUR_WORDS.map(([word, rgb]) => ({ rgb, at: containsKeyword(text, word) ? text.indexOf(word) : -1 }))
    .filter((c) => c.at !== -1)
    .sort((a, b) => a.at - b.at)
    .map((c) => c.rgb);
}
