/**
 * `node scripts/compare-screenshots.ts <run1> <run2> <compare-dir> <workspace>`: the docs' screenshots of "Compare
 * runs" at 1440×900 with Debian's Chromium (CHROMIUM_PATH): compare.html as `omni-review compare` wrote it into
 * <compare-dir>, and the app's Compare runs panel (browser mode, `omni-review serve` on <workspace> with both run
 * folders opened). Writes docs/screenshots/compare-*.png. See docs/compare.md for the commands that make the runs.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';

const [run1, run2, compareDir, workspace] = process.argv.slice(2);
if (!run1 || !run2 || !compareDir || !workspace) throw new Error('usage: node scripts/compare-screenshots.ts <run1> <run2> <compare-dir> <workspace>');
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/omni-review.mjs', import.meta.url));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--workspace', workspace, '--open-run', run1, run2], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const html = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await html.goto(pathToFileURL(join(compareDir, 'compare.html')).href);
  await html.screenshot({ path: join(out, 'compare-html.png') });
  await html.locator('section', { hasText: 'Pairs that changed' }).first().evaluate((el) => el.scrollIntoView());
  await html.screenshot({ path: join(out, 'compare-html-pairs.png') });

  const url = await new Promise<string>((resolve) => {
    let buf = '';
    server.stdout!.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(buf);
      if (m) resolve(m[1]!);
    });
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.getByTestId('app').waitFor();
  // A fresh workspace asks for the reviewer's name first (a modal over everything).
  const prompt = page.getByTestId('reviewer-prompt');
  if (await prompt.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
    await page.getByTestId('reviewer-input').fill('docs');
    await prompt.getByTestId('blind-default').setChecked(false);
    await prompt.getByTestId('reviewer-save').click();
    await prompt.waitFor({ state: 'detached' });
  }
  await page.getByTestId('nav-runs').click();
  const panel = page.getByTestId('compare-runs');
  await panel.waitFor();
  const ids = await page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id') ?? ''));
  const [after, before] = ids.filter((id) => id.includes('-demo-'));
  if (!before || !after) throw new Error(`two demo runs expected in the list, found ${ids.join(', ')}`);
  await page.getByTestId('compare-before').selectOption(before);
  await page.getByTestId('compare-after').selectOption(after);
  await page.getByTestId('compare-submit').click();
  await page.getByTestId('comparison').waitFor({ timeout: 120_000 });
  await panel.evaluate((el) => el.scrollIntoView());
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'compare-app.png') });
  await page.getByTestId('compare-changed-pair').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'compare-app-pairs.png') });
} finally {
  await browser.close();
  if (server.pid !== undefined) process.kill(server.pid, 'SIGTERM');
}
