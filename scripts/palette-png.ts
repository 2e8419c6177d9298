/**
 * Screenshot scripts re-encode their PNGs as palette PNGs (sharp) before they land in docs/screenshots/: a
 * 1440×900 screen shrinks from ~550 KB to ~150 KB and stays readable, which keeps the repository small.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';

export async function compressScreenshot(path: string): Promise<void> {
  const png = await sharp(readFileSync(path)).png({ palette: true, quality: 80, compressionLevel: 9 }).toBuffer();
  writeFileSync(path, png);
}
