/**
 * The Summary screen in browser mode (issue 13): a small run, one verdict, then the headline and the per-category
 * table from the engine; blind mode hides the verdict shares here and the verdict chips on the review screen; the
 * Markdown and PDF exports write their files into the run folder.
 */
import { expect, test } from '@playwright/test';
import { AppPage } from '../pages/app-page.ts';
import { SummaryPage } from '../pages/summary-page.ts';

test('smoke run → a verdict → Summary: headline, table, blind hides shares, Markdown and PDF export', async ({ page }) => {
  const app = new AppPage(page);
  await app.goto();
  // A fresh workspace asks for a reviewer once the engine answers; after review-flow.spec.ts it does not.
  await app.ensureReviewer('e2e-summary', { blindByDefault: false });

  await app.runs.startRun({ suitePath: 'fixtures/suites/smoke.yaml' });
  await expect(app.review.root).toBeVisible({ timeout: 30_000 });
  await app.gotoRuns();
  const runId = (await app.runs.runIds()).find((id) => id.includes('-smoke-'));
  expect(runId).toBeDefined();
  await app.runs.waitForState(runId!, 'complete', 180_000);
  await app.runs.openForReview(runId!);
  await app.review.waitForPairs();
  await app.setBlind(false);
  await app.review.judge('A_better');

  const summary = new SummaryPage(page);
  await summary.open();
  await expect(summary.headlineSpeed).toHaveText(/end to end|no speed comparison/);
  await expect(summary.headlineReview).toHaveText(/Too few verdicts to conclude \(1 pair judged\): A better 1, B better 0, tie 0, both bad 0\./);
  await expect(summary.row('all')).toBeVisible();
  await expect(summary.row('category:text-rendering')).toBeVisible();
  await expect(summary.verdictHeads).toHaveCount(4);
  await expect(summary.table).not.toContainText('A_better');

  // Blind: the verdict sentence and shares go, and so do the verdict chips of the review screen.
  await app.setBlind(true);
  await expect(summary.headlineReviewHidden).toBeVisible();
  await expect(summary.headlineReview).toHaveCount(0);
  await expect(summary.verdictHeads).toHaveCount(0);
  await app.gotoReview();
  await expect(page.getByTestId('bucket-all')).toBeVisible();
  await expect(page.locator('[data-testid^="bucket-v-"]')).toHaveCount(0);
  await app.setBlind(false);
  await expect(page.getByTestId('bucket-v-A_better')).toBeVisible();

  await summary.open();
  await summary.exportAs('md');
  await expect(summary.exportResult).toContainText('report.md');
  await summary.exportAs('pdf');
  await expect(summary.exportResult).toContainText('report.pdf', { timeout: 120_000 });
});
