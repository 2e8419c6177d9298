/** Page object for the Compare runs panel of the Runs page (issue 13 item 4): pick two runs, compare, read the result. */
import { expect, type Locator, type Page } from '@playwright/test';

export class CompareRunsPanel {
  readonly page: Page;
  readonly root: Locator;
  readonly before: Locator;
  readonly after: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly result: Locator;
  readonly headline: Locator;
  readonly warnings: Locator;
  readonly speed: Locator;
  readonly changedPairs: Locator;
  readonly heatmaps: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('compare-runs');
    this.before = this.root.getByTestId('compare-before');
    this.after = this.root.getByTestId('compare-after');
    this.submit = this.root.getByTestId('compare-submit');
    this.error = this.root.getByTestId('compare-error');
    this.result = this.root.getByTestId('comparison');
    this.headline = this.root.getByTestId('compare-headline');
    this.warnings = this.root.getByTestId('compare-warnings');
    this.speed = this.root.getByTestId('compare-speed').first();
    this.changedPairs = this.root.getByTestId('compare-changed-pair');
    this.heatmaps = this.root.getByTestId('compare-heatmap');
  }

  /** Compare run `before` (first) with run `after` (second) and wait for the answer. */
  async compare(before: string, after: string): Promise<void> {
    await this.before.selectOption(before);
    await this.after.selectOption(after);
    await this.submit.click();
    await expect(this.result).toBeVisible({ timeout: 120_000 });
  }

  changedPair(caseId: string): Locator {
    return this.root.locator(`[data-testid="compare-changed-pair"][data-case="${caseId}"]`);
  }

  /** Open a changed pair in the review screen of the second run. */
  async openPair(caseId: string): Promise<void> {
    await this.changedPair(caseId).getByTestId('compare-open-pair').click();
  }

  /** The speed table's cell text of a stage row, e.g. ('denoise') → ['denoise', '12.3 ms', …]. */
  async speedRow(stage: string): Promise<string[]> {
    return this.speed.locator(`tr[data-stage="${stage}"] > *`).allInnerTexts();
  }
}
