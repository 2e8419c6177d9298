/**
 * How long a report.html takes to render in Chromium (issue 10: ≤ 15 s for 500 cases): opened from disk at
 * 1440×900 as a person opens it, timed to the load event, then scrolled to the bottom and timed to the second
 * frame after it (every pair laid out and the last ones painted). Two rounds per file, files interleaved, so
 * that two reports (before and after a change) share the machine's load alike.
 *
 * `node bench/report-render.ts REPORT.html [MORE.html …]` prints one JSON line per file and round; bench/scale.ts
 * calls reportRenderTimes on the 500-case report.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface RenderTime {
  file: string;
  round: number;
  loadEventMs: number;
  scrolledToBottomMs: number;
}

/** Each file opened `rounds` times in one Chromium, files interleaved within a round. */
export async function reportRenderTimes(files: readonly string[], rounds = 2): Promise<RenderTime[]> {
  const times: RenderTime[] = [];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  try {
    for (let round = 1; round <= rounds; round++) {
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
        times.push({ file, round, loadEventMs: Math.round(loadMs), scrolledToBottomMs: Math.round(bottomMs) });
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  return times;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2).map((f) => resolve(f));
  if (files.length === 0) {
    process.stderr.write('usage: node bench/report-render.ts REPORT.html [MORE.html …]\n');
    process.exit(2);
  }
  for (const t of await reportRenderTimes(files)) process.stdout.write(`${JSON.stringify(t)}\n`);
}
