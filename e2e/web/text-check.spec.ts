/**
 * Issue 11 in browser mode against the real engine, simulators and OCR: a run of four text posters where the
 * simulator misrenders every text on A (typo=1) is read by OCR during the run; the reviewer filters to text
 * failures, sorts them worst CER first (j/k follow that order), turns the OCR boxes on to see them on the pane with
 * the misread characters marked, accepts the suggested tag on the side that has it with one key (stored, and
 * undone with u), and exports. A screenshot of each step goes to docs/screenshots/text-check-*.png.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from '../pages/app-page.ts';
import { TextCheckPanel } from '../pages/text-check-page.ts';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

const SUITE = `name: text-small
description: Four posters with short English and Chinese text.
defaults: { seed: 7, steps: 20, size: 512x512 }
cases:
  - id: en-coffee
    category: generation
    prompt: A cafe chalkboard sign that reads "FRESH COFFEE" in white capitals.
  - id: en-opening
    category: generation
    prompt: A shop window poster that says "GRAND OPENING" in bold red letters.
  - id: zh-welcome
    category: generation
    prompt: 门口的红色招牌，写着“欢迎光临”四个大字。
  - id: zh-open
    category: generation
    prompt: 玻璃门上挂着写有“营业中”的牌子。
`;

interface StoredVerdict {
  verdict: string;
  tags: string[];
  sideTags?: { A: string[]; B: string[] };
}
/** The worse side's CER: what "Text error" sorts by, worst first (null: no text check). */
function worseCer(p: StoredPair): number | null {
  const cers = [p.A.text?.cer, p.B.text?.cer].filter((c): c is number => typeof c === 'number');
  return cers.length === 0 ? null : Math.max(...cers);
}

interface StoredPair {
  key: string;
  verdicts: StoredVerdict[];
  A: { text?: { pass: boolean; cer: number; suggestedTags: string[]; recognized: string } | null };
  B: { text?: { pass: boolean; cer: number; suggestedTags: string[]; recognized: string } | null };
}

async function storedPairs(page: Page, runId: string): Promise<StoredPair[]> {
  const res = await page.request.post('/rpc/pairs:list', { data: { runId } });
  expect(res.ok()).toBe(true);
  return (await res.json()) as StoredPair[];
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}text-check-${name}.png` });
}

test('text failures: filter, sort worst first, boxes and marked characters, accept a suggestion with one key, undo, export', async ({ page }) => {
  const app = new AppPage(page);
  const text = new TextCheckPanel(page);
  await app.goto();
  await app.ensureReviewer('e2e-text', { blindByDefault: false });

  // The workspace setting may have been turned off by an earlier spec on this server.
  await app.runs.setOcr(true);
  const known = new Set(await app.runs.runIds());
  await app.runs.startRun({ suiteFile: { name: 'text-small.yaml', content: SUITE }, A: { faults: 'typo=1' } });
  await expect(app.review.root).toBeVisible({ timeout: 30_000 });
  await app.gotoRuns();
  const runId = await app.runs.newRunId(known);
  await app.runs.waitForState(runId, 'complete', 200_000);

  // Every output was read during the run: A (every text misrendered) fails, B passes.
  const pairs = await storedPairs(page, runId);
  expect(pairs).toHaveLength(4);
  for (const p of pairs) {
    expect(p.A.text, `${p.key} A read`).toBeTruthy();
    expect(p.B.text, `${p.key} B read`).toBeTruthy();
  }
  const aFails = pairs.filter((p) => p.A.text?.pass === false).map((p) => p.key);
  expect(aFails.length).toBeGreaterThanOrEqual(3);

  // 1. Filter to text failures, then to A's; sort them worst CER first. The boxes are off for this step, so the
  // screenshot shows the list and the pane as they are before the reviewer asks for the OCR read (r).
  await app.runs.openForReview(runId);
  const review = app.review;
  await review.waitForPairs();
  expect(await review.bucketCount('text-failures')).toBe(pairs.filter((p) => p.A.text?.pass === false || p.B.text?.pass === false).length);
  await review.clickBucket('text-failures');
  await review.filter('ocr:a.fail');
  await expect(review.filterErrors).toBeHidden();
  await expect(review.rows).toHaveCount(aFails.length);
  await expect(review.sortSelect).toHaveValue('suite');
  expect(await review.rowKeys()).toEqual(aFails);
  await review.sortBy('text-error');
  // pairs:list is in suite order, which breaks ties (Array.prototype.sort is stable); the first row is the worst CER.
  const failing = pairs.filter((p) => aFails.includes(p.key));
  const worstFirst = failing.sort((x, y) => worseCer(y)! - worseCer(x)!).map((p) => p.key);
  await expect.poll(() => review.rowKeys()).toEqual(worstFirst);
  expect(worseCer(failing[0]!)).toBe(Math.max(...failing.map((p) => worseCer(p)!)));
  await expect(review.rows.first().getByTestId('pair-row-score')).toHaveText(/^CER \d+ %$/);
  // A new order starts at its first pair, and j / k walk the sorted list.
  expect(await review.currentKey()).toBe(worstFirst[0]);
  await review.next();
  expect(await review.currentKey()).toBe(worstFirst[1]);
  await review.prev();
  expect(await review.currentKey()).toBe(worstFirst[0]);
  // Chinese readings are drawn in the bundled CJK font (this machine has none of its own): they once came out as
  // boxes when the characters were first shaped before the font had loaded.
  const zhKey = failing.find((p) => /\p{Script=Han}/u.test(p.A.text?.recognized ?? ''))?.key;
  expect(zhKey, 'A read Chinese in one of its failures').toBeTruthy();
  await review.row(zhKey!).click();
  await expect.poll(() => review.currentKey()).toBe(zhKey);
  await expect(text.read('left')).toHaveText(/\p{Script=Han}/u);
  await expect.poll(() => text.readFonts('left')).toEqual(['Droid Sans Fallback']);
  await review.row(worstFirst[0]!).click();
  await expect.poll(() => review.currentKey()).toBe(worstFirst[0]);
  await text.pressOnPage('r');
  await expect(text.boxes('left')).toHaveCount(0);
  await expect(text.boxes('right')).toHaveCount(0);
  await shot(page, '1-filtered');

  // 2. Boxes on the pane (r) and the misread characters marked on A's side only.
  const key = await review.currentKey();
  expect(aFails).toContain(key);
  await expect(text.side('left')).toHaveAttribute('data-state', 'fail');
  await text.pressOnPage('r');
  await expect(text.boxes('left').first()).toBeVisible();
  await expect(text.boxes('right').first()).toBeVisible();
  await expect(text.markedChars('left').first()).toBeVisible();
  await expect(text.markedChars('right')).toHaveCount(0);
  await shot(page, '2-boxes-and-marks');

  // 3. Accept the suggestion on A with one key: stored as that side's tag, then undone.
  const stored = pairs.find((p) => p.key === key)!;
  const tag = stored.A.text!.suggestedTags[0]!;
  expect(tag).toMatch(/^text\./);
  expect(stored.B.text!.suggestedTags).toEqual([]);
  await text.acceptNext('left', tag);
  await expect.poll(async () => (await storedPairs(page, runId)).find((p) => p.key === key)!.verdicts.at(-1)?.sideTags).toEqual({ A: [tag], B: [] });
  await shot(page, '3-accepted');
  await review.undo();
  await expect(text.suggestion('left', tag)).toHaveAttribute('data-state', 'open');
  await expect.poll(async () => (await storedPairs(page, runId)).find((p) => p.key === key)!.verdicts).toHaveLength(0);
  // Accept again and judge, so the export carries it.
  await text.acceptNext('left', tag);
  await review.judge('B_better');

  // 4. Export: the HTML report has the text-rendering section with A's failures; the CSV has the side's tag.
  const html = await review.exportAs('html');
  expect(html.path).toMatch(/report\.html$/);
  // Opened from the file the export wrote, as a user opens it (the page's links are relative to its folder).
  const report = await page.context().newPage();
  await report.goto(pathToFileURL(html.path).href);
  await expect(report.locator('#text-rendering')).toBeVisible();
  await expect(report.locator('.text-failure[data-side="A"]')).toHaveCount(aFails.length);
  await expect(report.locator('.text-failure[data-side="A"] img.text-crop').first()).toBeVisible();
  await report.locator('#text-rendering').scrollIntoViewIfNeeded();
  await report.screenshot({ path: `${SHOTS}text-check-4-report.png` });
  await report.close();
  const csv = await review.exportAs('csv');
  const body = await (await page.request.get(csv.href)).text();
  const [header, ...rows] = body.trim().split('\r\n');
  const col = header!.split(',').indexOf('verdict_side_tags_A');
  expect(col).toBeGreaterThan(0);
  expect(rows.some((r) => r.includes(tag))).toBe(true);
});
