/**
 * The whole review flow in browser mode against the real engine and simulators (issue: the review
 * workstation): start a demo run, watch it finish, review pairs by keyboard, tag a text failure, undo, blind
 * mode, filter, export and open the HTML. Screenshots of the list, the compare view and the export are
 * attached to the report and left in test-results/.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { AppPage } from '../pages/app-page.ts';

interface PairVerdict {
  verdict: string;
  tags: string[];
  blind: boolean;
  swapped: boolean;
  reviewer: string;
}
interface PairRecord {
  key: string;
  category: string;
  blindSwap: boolean;
  verdicts: PairVerdict[];
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** What the engine stored, read through the same contract the UI uses. */
async function storedPairs(page: Page, runId: string): Promise<PairRecord[]> {
  const res = await page.request.post('/rpc/pairs:list', { data: { runId } });
  expect(res.ok()).toBe(true);
  return (await res.json()) as PairRecord[];
}

test('demo run → keyboard review → tags, undo, blind, filter → export', async ({ page }, testInfo) => {
  const app = new AppPage(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await app.goto();
  await app.ensureReviewer('e2e-reviewer', { blindByDefault: false });

  // Start the demo suite on both simulators and watch it finish. OCR off: this flow is about reviewing, and the
  // text check of 58 outputs would add minutes on a busy 2-core machine (e2e/web/text-check.spec.ts covers it).
  await app.runs.setOcr(false);
  const known = new Set(await app.runs.runIds());
  await app.runs.startRun({ suitePath: 'fixtures/suites/demo.yaml' });
  await expect(app.review.root).toBeVisible({ timeout: 30_000 }); // the app opens a run for review once it starts
  await app.gotoRuns();
  const runId = await app.runs.newRunId(known);
  expect(runId).toMatch(/-demo-/);
  await expect(app.runs.progress(runId, 'A')).toBeVisible();
  await shot(page, testInfo, 'runs-in-progress');
  await app.runs.waitForState(runId, 'complete', 180_000);
  const a = await app.runs.progressCounts(runId, 'A');
  const b = await app.runs.progressCounts(runId, 'B');
  expect(a).toMatchObject({ done: a.total, error: 0 });
  expect(b).toMatchObject({ done: b.total, error: 0 });
  expect(a.total).toBeGreaterThanOrEqual(24);
  await expect(app.simulatedBadge).toBeVisible();

  // Review: the list and the compare view.
  await app.runs.openForReview(runId);
  const review = app.review;
  await review.waitForPairs();
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-painted', 'true');
  await expect(review.labelLeft).toContainText('A');
  await expect(review.labelRight).toContainText('B');
  // The first demo case is an edit: source, A and B share the stage at 1440 px, and each output's size stays whole.
  await expect(review.paneSource).toBeVisible();
  expect(await review.labelSizeClippedPx(review.labelLeft)).toBe(0);
  expect(await review.labelSizeClippedPx(review.labelRight)).toBe(0);
  await shot(page, testInfo, 'review-list-and-compare');

  // Five verdicts by keyboard, each advancing to the next pair once saved.
  const judged: string[] = [];
  for (const verdict of ['A_better', 'B_better', 'tie', 'both_bad', 'A_better'] as const) {
    judged.push(await review.currentKey());
    await review.judge(verdict);
  }
  expect(new Set(judged).size).toBe(5);
  expect(await review.bucketCount('reviewed')).toBe(5);

  // Tag a text failure on a text-rendering pair, with a note.
  await review.filter('cat:text-rendering');
  await expect(review.filterErrors).toBeHidden();
  const textPairs = (await storedPairs(page, runId)).filter((p) => p.category === 'text-rendering');
  await expect(review.rows).toHaveCount(Math.min(textPairs.length, await review.rows.count()));
  await review.next();
  const tagged = await review.currentKey();
  await review.toggleTags(['text.misspelled']);
  await review.writeNote('second word misspelled on B');
  await review.judge('A_better');
  await expect(review.row(tagged)).toHaveAttribute('data-verdict', 'A_better');
  let stored = (await storedPairs(page, runId)).find((p) => p.key === tagged)!;
  expect(stored.verdicts.at(-1)).toMatchObject({ verdict: 'A_better', tags: ['text.misspelled'], reviewer: 'e2e-reviewer', blind: false });

  // Undo takes the last verdict back (in the engine too) and returns to that pair.
  await review.undo();
  await expect.poll(() => review.currentKey()).toBe(tagged);
  await expect(review.row(tagged)).toHaveAttribute('data-verdict', '');
  stored = (await storedPairs(page, runId)).find((p) => p.key === tagged)!;
  expect(stored.verdicts).toHaveLength(0);

  // Blind mode: names hidden, sides possibly swapped; "left is better" is stored as the backend shown left.
  await app.setBlind(true);
  await expect(review.labelLeft).toHaveText(/Left/);
  await expect(review.labelRight).toHaveText(/Right/);
  await expect(page.getByTestId('compare-view')).not.toContainText('vLLM-Omni');
  await expect(page.getByTestId('compare-view')).not.toContainText('diffusers');
  await shot(page, testInfo, 'blind-mode');
  const blindKey = await review.currentKey();
  await review.judge('A_better'); // key 1 = left
  const blindPair = (await storedPairs(page, runId)).find((p) => p.key === blindKey)!;
  const expected = blindPair.blindSwap ? 'B_better' : 'A_better';
  expect(blindPair.verdicts.at(-1)).toMatchObject({ verdict: expected, blind: true, swapped: blindPair.blindSwap });
  await app.setBlind(false);

  // Review stats: six judgements (five by key, one blind; the tagged one was undone), shares with intervals,
  // and the blind "left" pick counted for position bias.
  await review.openReviewStats();
  await review.reviewStats.scrollIntoViewIfNeeded();
  await expect(review.progress).toContainText('you 6/42 · all reviewers 6');
  await expect(review.reviewStats).toContainText('6 judgements on 6 pairs by 1 reviewer');
  await expect(review.reviewRate('tie')).toContainText(/^tie1\s*17 %\d+–\d+ %$/);
  await expect(review.reviewRate('A_better')).toContainText(expected === 'A_better' ? '3' : '2');
  await expect(page.getByTestId('review-position-bias')).toContainText('100 % (too few pairs for a CI) of 1');
  await expect(page.getByTestId('review-agreement')).toContainText('no pair judged by two reviewers yet');
  await shot(page, testInfo, 'review-stats');

  // Filter by verdict and by category, then clear.
  await review.filter('v:B_better');
  await expect(review.rows).toHaveCount(1 + (expected === 'B_better' ? 1 : 0));
  await review.filter('cat:style-transfer diff>0.1%');
  await expect(review.filterErrors).toBeHidden();
  expect(await review.rows.count()).toBeGreaterThan(0);
  await review.filter('stage:denoise>nope');
  await expect(review.filterErrors).toBeVisible();
  await review.filter('');

  // Export the HTML report and open it.
  const { path, href } = await review.exportAs('html');
  expect(path).toMatch(/report\.html$/);
  await shot(page, testInfo, 'export');
  const reportPage = await page.context().newPage();
  await reportPage.goto(href);
  await expect(reportPage.locator('body')).toContainText('e2e-reviewer');
  await expect(reportPage.locator('body')).toContainText('SIMULATED');
  await shot(reportPage, testInfo, 'exported-report');
  await reportPage.close();

  expect(dialogs).toEqual([]);
});

test('hostile text in a dropped suite is shown as text, never run', async ({ page }) => {
  const app = new AppPage(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await app.goto();
  await app.ensureReviewer('e2e-reviewer');
  const hostile = '<img src=x onerror=alert(1)>';
  const yaml = [
    'name: hostile',
    'cases:',
    '  - id: xss-1',
    '    category: generation',
    `    title: "${hostile}"`,
    `    prompt: 'A poster that says "${hostile}"'`,
    '    params: { size: 256x256, steps: 4 }',
  ].join('\n');
  await app.runs.startRun({ suiteFile: { name: 'hostile.yaml', content: yaml } });
  await expect(app.review.root).toBeVisible({ timeout: 30_000 });
  await app.gotoRuns();
  await expect.poll(async () => (await app.runs.runIds()).some((id) => id.includes('-hostile-'))).toBe(true);
  const runId = (await app.runs.runIds()).find((id) => id.includes('-hostile-'))!;
  await app.runs.waitForState(runId, 'complete', 60_000);
  await app.runs.openForReview(runId);
  await app.review.waitForPairs();
  await expect(page.getByTestId('review-page')).toContainText(hostile);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});
