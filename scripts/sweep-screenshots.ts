/**
 * `node scripts/sweep-screenshots.ts <sweep folder>`: the docs' screenshots of a sweep report at 1440×900, taken with
 * Debian's Chromium (CHROMIUM_PATH): the top of sweep.html (the A-vs-B table) and its charts. Writes
 * docs/screenshots/sweep-report.png and sweep-charts.png as palette PNGs (small).
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import sharp from 'sharp';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: node scripts/sweep-screenshots.ts <sweep folder>');
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(pathToFileURL(join(dir, 'sweep.html')).href);
  const shots: Array<[string, Buffer]> = [['sweep-report.png', await page.screenshot()]];
  // The charts heading at the top of the viewport.
  const top = await page.locator('h2', { hasText: 'Charts' }).evaluate((el) => el.getBoundingClientRect().top);
  await page.mouse.wheel(0, top - 8);
  await page.waitForTimeout(200);
  shots.push(['sweep-charts.png', await page.screenshot()]);
  for (const [name, png] of shots) await sharp(png).png({ palette: true }).toFile(join(out, name));
} finally {
  await browser.close();
}
