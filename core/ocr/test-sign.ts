/**
 * Test support: a PNG with lines of text drawn from the bundled fonts' outlines (the sim's opentype.js glyph
 * paths, composited by sharp), so OCR tests need no system font. Not the labelled set's renderer (that one is
 * deliberately a different renderer: scripts/text-check-set).
 */
import sharp from 'sharp';
import { textPath } from '../backends/sim/fonts.ts';

export interface SignOptions {
  width?: number;
  height?: number;
  fontSize?: number;
  background?: string;
}

/** Dark text on a light background, one line per entry, left-aligned from x = 40. */
export async function renderSign(lines: readonly string[], options: SignOptions = {}): Promise<Buffer> {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const size = options.fontSize ?? 56;
  const paths = lines
    .map((line, i) => `<path transform="translate(40 ${Math.round(size * 1.5 * (i + 1))})" d="${textPath(line, size).pathData}" fill="#111"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${options.background ?? '#f4f1ea'}"/>${paths}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
