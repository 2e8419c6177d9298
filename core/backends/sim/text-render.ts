/**
 * Drawing the prompt's quoted text onto the image: one span per line, on a plate (a sign) so it stays legible on any
 * background, scaled to fit, placed where the prompt says (top / bottom / left / right, else centred).
 */
import { measureText, textPath } from './fonts.ts';
import { hash32, hashUnit } from './hash.ts';
import { detectTextPosition } from './prompt-words.ts';
import { type RawRgb, sharpOf, toRawRgb } from './raster.ts';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextLayout {
  fontSize: number;
  /** The sign behind the text, in image pixels (integers, inside the image). */
  plate: Box;
  lines: Array<{ text: string; x: number; baseline: number; width: number }>;
  colours: { plate: string; text: string; border: string };
}

const PALETTES: ReadonlyArray<TextLayout['colours']> = [
  { plate: '#fff8e7', text: '#1a1a1a', border: '#3a3a3a' },
  { plate: '#102a43', text: '#ffffff', border: '#9fb3c8' },
  { plate: '#b71c1c', text: '#ffffff', border: '#ffcdd2' },
  { plate: '#ffeb3b', text: '#111111', border: '#5d4037' },
  { plate: '#1b5e20', text: '#ffffff', border: '#c8e6c9' },
  { plate: '#212121', text: '#ffd54f', border: '#ffd54f' },
];

const LINE_HEIGHT = 1.25;
const PAD_X = 0.5;
const PAD_Y = 0.25;

/**
 * Where and how big the lines go. Pure (given the fonts): the same prompt, seed and size always give the same layout.
 * The seed moves the sign by up to ±1.5 % of the image, so a different seed is a small visible change.
 */
export function planTextLayout(lines: readonly string[], width: number, height: number, prompt: string, seed: number): TextLayout | null {
  if (lines.length === 0) return null;
  const units = lines.map((l) => measureText(l));
  const widest = Math.max(...units, 0.5);
  const n = lines.length;
  const fontSize = Math.max(
    6,
    Math.min((0.9 * width) / (widest + 2 * PAD_X), (0.6 * height) / (n * LINE_HEIGHT + 2 * PAD_Y), 0.16 * Math.min(width, height)),
  );
  const plateW = Math.min(width, Math.ceil(fontSize * (widest + 2 * PAD_X)));
  const plateH = Math.min(height, Math.ceil(fontSize * (n * LINE_HEIGHT + 2 * PAD_Y)));

  const pos = detectTextPosition(prompt);
  let x = pos.horizontal === 'left' ? 0.05 * width : pos.horizontal === 'right' ? 0.95 * width - plateW : (width - plateW) / 2;
  let y = pos.vertical === 'top' ? 0.06 * height : pos.vertical === 'bottom' ? 0.94 * height - plateH : (height - plateH) / 2;
  x += (hashUnit('text-dx', seed) - 0.5) * 0.03 * width;
  y += (hashUnit('text-dy', seed) - 0.5) * 0.03 * height;
  const plate: Box = {
    x: Math.round(Math.min(Math.max(0, x), width - plateW)),
    y: Math.round(Math.min(Math.max(0, y), height - plateH)),
    width: plateW,
    height: plateH,
  };
  return {
    fontSize,
    plate,
    lines: lines.map((text, i) => {
      const w = (units[i] ?? 0) * fontSize;
      return {
        text,
        width: w,
        x: plate.x + (plate.width - w) / 2,
        baseline: plate.y + fontSize * (PAD_Y + i * LINE_HEIGHT + 0.97),
      };
    }),
    colours: PALETTES[hash32('palette', prompt) % PALETTES.length]!,
  };
}

/**
 * Composite the plate and the glyph outlines onto `img`. `offsetPx` shifts the glyphs (not the plate): side B draws
 * its text one pixel down and right of side A's, a small deterministic difference between the two stacks.
 */
export async function drawText(img: RawRgb, layout: TextLayout, offsetPx: number): Promise<RawRgb> {
  const { plate, fontSize, colours } = layout;
  const r = Math.min(fontSize * 0.25, plate.height / 2);
  const paths = layout.lines
    .map((line) => {
      const run = textPath(line.text, fontSize);
      const tx = (line.x - plate.x + offsetPx).toFixed(2);
      const ty = (line.baseline - plate.y + offsetPx).toFixed(2);
      return `<path transform="translate(${tx} ${ty})" d="${run.pathData}"/>`;
    })
    .join('');
  const stroke = Math.max(1, fontSize * 0.06);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${plate.width}" height="${plate.height}" viewBox="0 0 ${plate.width} ${plate.height}">` +
    `<rect x="${stroke / 2}" y="${stroke / 2}" width="${plate.width - stroke}" height="${plate.height - stroke}" rx="${r}" ` +
    `fill="${colours.plate}" fill-opacity="0.93" stroke="${colours.border}" stroke-width="${stroke}"/>` +
    `<g fill="${colours.text}">${paths}</g></svg>`;
  return toRawRgb(sharpOf(img).composite([{ input: Buffer.from(svg), left: plate.x, top: plate.y }]));
}

