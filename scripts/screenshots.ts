/**
 * `node scripts/screenshots.ts <workspace> <port>`: the docs' screenshots of the timing views at 1440×900, taken
 * with Debian's Chromium (CHROMIUM_PATH) against `omni-review serve` on a workspace that holds a finished run:
 * the review screen (timing panel and waterfall) and report.html's stage table. Writes docs/screenshots/*.png as
 * palette PNGs.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { compressScreenshot } from './palette-png.ts';

const [workspace, port = '4797'] = process.argv.slice(2);
if (!workspace) throw new Error('usage: node scripts/screenshots.ts <workspace> [port]');
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/omni-review.mjs', import.meta.url));
const runs = readdirSync(join(workspace, 'runs')).sort();
const runId = runs.findLast((r) => r.includes('-demo-')) ?? runs.at(-1)!;

const server = spawn(process.execPath, [bin, 'serve', '--port', port, '--workspace', workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => {
  let buf = '';
  server.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(buf);
    if (m) resolve(m[1]!);
  });
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.getByTestId('app').waitFor();
  if (await page.getByTestId('reviewer-prompt').isVisible()) {
    await page.getByTestId('reviewer-input').fill('docs');
    await page.getByTestId('reviewer-prompt').getByTestId('blind-default').setChecked(false);
    await page.getByTestId('reviewer-prompt').getByTestId('reviewer-save').click();
  }
  await page.getByTestId('nav-runs').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).getByTestId('run-open').click();
  await page.getByTestId('review-page').waitFor();
  await page.getByTestId('waterfall').waitFor();
  await page.getByTestId('timings').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'review-timings.png') });
  await page.getByTestId('waterfall').screenshot({ path: join(out, 'waterfall.png') });
  await page.getByTestId('timings').screenshot({ path: join(out, 'timing-panel.png') });

  const report = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await report.goto(pathToFileURL(join(workspace, 'runs', runId, 'report.html')).href);
  const card = report.locator('.card', { hasText: 'Where the time goes' });
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: join(out, 'report-stages.png') });
  for (const name of ['review-timings.png', 'waterfall.png', 'timing-panel.png', 'report-stages.png']) await compressScreenshot(join(out, name));
} finally {
  await browser.close();
  if (server.pid !== undefined) process.kill(server.pid, 'SIGTERM');
}
