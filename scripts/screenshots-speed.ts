/**
 * `node scripts/screenshots-speed.ts <sweep folder> [port]`: the docs' screenshots of the Speed screen at
 * 1440×900, taken with Debian's Chromium (CHROMIUM_PATH) against `omni-review serve` on a throw-away workspace,
 * with a sweep folder made by `omni-review sweep --out` opened on the screen. Writes docs/screenshots/speed-*.png.
 *
 *   npx omni-review sweep --spec fixtures/sweeps/demo.yaml --out /tmp/demo-sweep
 *   node scripts/screenshots-speed.ts /tmp/demo-sweep
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const [sweepDir, port = '4798'] = process.argv.slice(2);
if (!sweepDir) throw new Error('usage: node scripts/screenshots-speed.ts <sweep folder> [port]');
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/omni-review.mjs', import.meta.url));
const workspace = mkdtempSync(join(tmpdir(), 'omni-review-shots-'));

const server = spawn(process.execPath, [bin, 'serve', '--port', port, '--workspace', workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((done) => {
  let buf = '';
  server.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(buf);
    if (m) done(m[1]!);
  });
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.getByTestId('app').waitFor();
  // A fresh workspace asks for a reviewer name once the app has booted: answer it so it does not cover the screen.
  const prompt = page.getByTestId('reviewer-prompt');
  await prompt.waitFor({ timeout: 15_000 });
  await page.getByTestId('reviewer-input').fill('docs');
  await prompt.getByTestId('reviewer-save').click();
  await prompt.waitFor({ state: 'hidden' });
  await page.getByTestId('nav-speed').click();
  await page.getByTestId('open-sweep-dir').fill(resolve(sweepDir));
  await page.getByTestId('open-sweep').click();
  await page.getByTestId('team-table').waitFor();
  await page.getByTestId('chart-latency-vs-concurrency').locator('svg').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'speed-screen.png') });
  const results = page.getByTestId('results-table').locator('xpath=ancestor::section[1]');
  await results.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(out, 'speed-results.png') });
  for (const [id, file] of [
    ['charts-concurrency', 'speed-charts-concurrency.png'],
    ['charts-batch', 'speed-charts-batch.png'],
    ['charts-stages', 'speed-stage-stack.png'],
  ] as const) {
    const section = page.getByTestId(id);
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(out, file) });
  }
} finally {
  await browser.close();
  if (server.pid !== undefined) process.kill(server.pid, 'SIGTERM');
  rmSync(workspace, { recursive: true, force: true });
}
