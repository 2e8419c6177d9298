/**
 * report.html's browser script (core/reports/report-script/, bundled into the page) in Chromium: a report
 * rendered from the report fixtures is opened from disk, as a person opens it, under its own CSP. The filter
 * (text, category, status, `/`), the case/chain hiding, the enlarge view with its thumbnail fallback and the
 * absence of script errors and CSP violations are checked. Needs no app server: the page is a file.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { buildReport } from '../../core/reports/build.ts';
import { renderHtmlReport } from '../../core/reports/html.ts';
import { imageId, reportInput } from '../../core/reports/test-fixtures/report-input.ts';

let dir: string;
let reportUrl: string;

const rel = (name: string): string => {
  const id = imageId(name);
  return `images/${id.slice(0, 2)}/${id}.png`;
};

async function writePng(name: string, rgb: [number, number, number]): Promise<void> {
  const path = join(dir, rel(name));
  await mkdir(dirname(path), { recursive: true });
  await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toFile(path);
}

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-report-script-'));
  await writePng('poster-input', [200, 200, 200]);
  await writePng('poster-A-1-1', [200, 20, 20]);
  await writePng('poster-B-1-1', [20, 200, 20]);
  await writePng('chain-input', [20, 20, 200]);
  const html = await renderHtmlReport(buildReport(reportInput()), { reportDir: dir });
  // The full-size B image of the poster goes away after rendering: the enlarge view must fall back to the thumbnail.
  await rm(join(dir, rel('poster-B-1-1')));
  const path = join(dir, 'report.html');
  await writeFile(path, html, 'utf8');
  reportUrl = pathToFileURL(path).href;
});

test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Opens the report and collects script errors and CSP reports for the whole test. */
async function openReport(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(reportUrl);
  await page.evaluate(() => {
    document.addEventListener('securitypolicyviolation', (ev) => console.error(`CSP ${ev.violatedDirective} ${ev.blockedURI}`));
  });
  return problems;
}

const visiblePairs = (page: Page) => page.locator('article.pair:visible');

test('the report script filters pairs by text, category and status and hides empty cases', async ({ page }) => {
  const problems = await openReport(page);
  const count = page.locator('#count');
  // The script ran: the count is its text, not the server-rendered "4 pairs".
  await expect(count).toHaveText('4 of 4 pairs');
  await expect(visiblePairs(page)).toHaveCount(4);

  const q = page.getByLabel('filter pairs');
  await q.fill('GRAND opening');
  await expect(count).toHaveText('1 of 4 pairs');
  await expect(visiblePairs(page)).toHaveCount(1);
  await expect(page.locator('section.case:visible h2')).toHaveCount(1);
  await expect(page.locator('section.case:visible h2')).toContainText('poster');

  await q.fill('moon blurry');
  await expect(count).toHaveText('1 of 4 pairs');
  await expect(visiblePairs(page).locator('.prompt')).toHaveText('Add a moon');
  // The chain's first turn is hidden, the chain itself stays because turn 2 matches.
  await expect(page.locator('.chain:visible')).toHaveCount(1);

  await q.fill('no such words');
  await expect(count).toHaveText('0 of 4 pairs');
  await expect(page.locator('section.case:visible')).toHaveCount(0);

  await q.fill('');
  await page.getByLabel('category').selectOption('multi-turn');
  await expect(count).toHaveText('2 of 4 pairs');
  await page.getByLabel('status').selectOption('error');
  await expect(count).toHaveText('1 of 4 pairs');
  await expect(visiblePairs(page)).toContainText('CUDA out of memory');

  await page.getByLabel('category').selectOption('');
  await page.getByLabel('status').selectOption('verdict');
  await expect(count).toHaveText('1 of 4 pairs');
  await page.getByLabel('status').selectOption('');
  await expect(count).toHaveText('4 of 4 pairs');

  // "/" jumps to the filter box from anywhere on the page.
  await page.locator('h1').click();
  await page.keyboard.press('/');
  await expect(q).toBeFocused();
  expect(problems).toEqual([]);
});

test('the report script enlarges a thumbnail, falls back to it when the file is gone, and closes on Esc', async ({ page }) => {
  const problems = await openReport(page);
  const box = page.locator('#lightbox');
  await expect(box).toBeHidden();

  const posterA = page.locator('#p0 a.zoom[data-label="A"]');
  await posterA.click();
  await expect(box).toBeVisible();
  await expect(box.locator('.cap')).toHaveText('A');
  await expect(box.locator('img')).toHaveAttribute('src', rel('poster-A-1-1'));
  // The full-size file loaded (96×64 px), it is not the 160-px-edge thumbnail.
  await expect.poll(() => box.locator('img').evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`)).toBe('96x64');
  await page.keyboard.press('Escape');
  await expect(box).toBeHidden();
  await expect(box.locator('img')).not.toHaveAttribute('src', /./);

  const posterB = page.locator('#p0 a.zoom[data-label="B"]');
  // The thumbnail is a <use> of the page's thumbnail table; its data URI is on the table's <image>.
  const thumbId = await posterB.locator('[data-thumb]').getAttribute('data-thumb');
  const thumb = await page.locator(`#${thumbId}`).getAttribute('href');
  expect(thumb).toMatch(/^data:image\/avif;base64,/);
  await posterB.click();
  await expect(box).toBeVisible();
  await expect(box.locator('img')).toHaveAttribute('src', thumb as string);
  // Chromium decodes the AVIF data URI under the page's CSP (img-src data:): the 96×64 source at its thumbnail size.
  await expect.poll(() => box.locator('img').evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`)).toBe('96x64');
  await box.getByRole('button', { name: 'close (Esc)' }).click();
  await expect(box).toBeHidden();

  // A modified click keeps the browser's own behaviour (new tab): no lightbox.
  await page.locator('#p0 a.zoom[data-label="A"]').click({ modifiers: ['Control'] });
  await expect(box).toBeHidden();
  // The missing full-size file logs a load error; anything else is a problem.
  expect(problems.filter((p) => !p.includes('ERR_FILE_NOT_FOUND'))).toEqual([]);
});
