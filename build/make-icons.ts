/**
 * Renders build/icon.svg into the PNGs electron-builder takes: build/icons/<N>x<N>.png (Linux wants the
 * sizes as separate files) and build/icon.png (1024 px; mac and Windows icons are derived from it).
 * Run after editing the SVG: `PATH=node_modules/.bin:$PATH node build/make-icons.ts` (commit the PNGs).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

const here = fileURLToPath(new URL('./', import.meta.url));
const svg = await readFile(`${here}icon.svg`);
await mkdir(`${here}icons`, { recursive: true });
for (const size of ICON_SIZES) {
  // Render at the target size (not a downscale of one big bitmap) so small icons stay crisp.
  await sharp(svg, { density: Math.max(72, (72 * size) / 1024) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(`${here}icons/${size}x${size}.png`);
}
await sharp(svg).resize(1024, 1024).png({ compressionLevel: 9 }).toFile(`${here}icon.png`);
console.log(`wrote build/icon.png and build/icons/{${ICON_SIZES.join(',')}}px`);
