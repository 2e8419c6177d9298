/**
 * Compare runs in browser mode (issue 13 item 4) against the real engine and simulators: two runs of the smoke suite
 * started from the Runs page, the second with every text misrendered by A (`typo=1`), compared in the Compare runs
 * panel: the headline, the speed table per stage, and the text pairs listed with A's changed pictures and heatmaps.
 */
import { expect, test } from '@playwright/test';
import { AppPage } from '../pages/app-page.ts';
import { CompareRunsPanel } from '../pages/compare-runs-panel.ts';

test('two smoke runs → Compare runs: headline, stages, changed pairs with heatmaps', async ({ page }, testInfo) => {
  const app = new AppPage(page);
  const panel = new CompareRunsPanel(page);
  await app.goto();
  // A fresh workspace asks for the reviewer first; one another spec already named does not.
  await app.ensureReviewer('e2e-compare', { blindByDefault: false });

  const started: string[] = [];
  for (const faults of ['', 'typo=1']) {
    await app.gotoRuns();
    const known = new Set(await app.runs.runIds());
    await app.runs.startRun({ suitePath: 'fixtures/suites/smoke.yaml', A: { faults } });
    await expect(app.review.root).toBeVisible({ timeout: 30_000 }); // the app opens a run for review once it starts
    await app.gotoRuns();
    await expect.poll(async () => (await app.runs.runIds()).filter((id) => !known.has(id))).toHaveLength(1);
    const id = (await app.runs.runIds()).find((r) => !known.has(r))!;
    await app.runs.waitForState(id, 'complete', 180_000);
    started.push(id);
  }
  const [before, after] = started as [string, string];

  await app.setBlind(false);
  await panel.compare(before, after);
  await expect(panel.headline).toContainText(/^A (got|kept)/);
  await expect(panel.headline).toContainText(/A's pictures changed in [1-5] of 5 pairs/);
  await expect(panel.headline).toContainText("B's pictures are unchanged in all 5 pairs");
  // Like for like: B's denoise is the simulator's modelled time, the same in both runs.
  expect((await panel.speedRow('denoise')).join(' ')).toContain('B same speed');
  await expect(panel.changedPair('smoke-en-sign')).toBeVisible();
  await expect(panel.changedPair('smoke-en-sign')).toContainText('% changed');
  expect(await panel.heatmaps.count()).toBeGreaterThanOrEqual(2);
  await expect(panel.root).not.toContainText('A_better');

  await panel.root.evaluate((el) => el.scrollIntoView());
  const path = testInfo.outputPath('compare-runs.png');
  await page.screenshot({ path });
  await testInfo.attach('compare-runs', { path, contentType: 'image/png' });

  // Blind mode hides the comparison (it names the sides), like the review stats; turning it off shows it again.
  await app.setBlind(true);
  await expect(panel.root.getByTestId('compare-blind')).toBeVisible();
  await expect(panel.result).toBeHidden();
  await app.setBlind(false);
  await expect(panel.result).toBeVisible();

  // The same run twice is not offered as a comparison.
  await panel.before.selectOption(after);
  await expect(panel.submit).toBeDisabled();

  // A changed pair opens in the review screen of the second run, on that pair.
  await panel.openPair('smoke-en-sign');
  await expect(app.review.root).toBeVisible();
  await expect.poll(() => app.review.currentKey()).toBe('smoke-en-sign#t1#r1');
  await expect(app.currentRun).toContainText(after);
});
