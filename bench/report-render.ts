/**
 * How long a report.html takes to render in Chromium (issue 10: ≤ 15 s for 500 cases): opened from disk at
 * 1440×900 as a person opens it, timed to the load event, then scrolled to the bottom and timed to the second
 * frame after it (every pair laid out and the last ones painted). Two rounds per file, files interleaved, so
 * that two reports (before and after a change) share the machine's load alike.
 *
 * `node bench/report-render.ts REPORT.html [MORE.html …]` prints one JSON line per file and round.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const files = process.argv.slice(2).map((f) => resolve(f));
if (files.length === 0) {
  process.stderr.write('usage: node bench/report-render.ts REPORT.html [MORE.html …]\n');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
try {
  for (let round = 1; round <= 2; round++) {
    for (const file of files) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const t0 = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 120_000 });
      const loadMs = performance.now() - t0;
      await page.evaluate(
        () =>
          new Promise<void>((done) => {
            window.scrollTo(0, document.body.scrollHeight);
            requestAnimationFrame(() => requestAnimationFrame(() => done()));
          }),
      );
      const bottomMs = performance.now() - t0;
      process.stdout.write(`${JSON.stringify({ file, round, loadEventMs: Math.round(loadMs), scrolledToBottomMs: Math.round(bottomMs) })}\n`);
      await page.close();
    }
  }
} finally {
  await browser.close();
}
