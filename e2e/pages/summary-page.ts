/** Page object for the Summary screen: the headline, the per-category table and its exports. */
import { expect, type Locator, type Page } from '@playwright/test';

export class SummaryPage {
  readonly page: Page;
  readonly root: Locator;
  readonly headlineSpeed: Locator;
  readonly headlineReview: Locator;
  readonly headlineReviewHidden: Locator;
  readonly table: Locator;
  readonly verdictHeads: Locator;
  readonly exportResult: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('summary-page');
    this.headlineSpeed = page.getByTestId('headline-speed');
    this.headlineReview = page.getByTestId('headline-review');
    this.headlineReviewHidden = page.getByTestId('headline-review-hidden');
    this.table = page.getByTestId('summary-table');
    this.verdictHeads = page.getByTestId('verdict-share-head');
    this.exportResult = page.getByTestId('summary-export-result');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-summary').click();
    await expect(this.table).toBeVisible({ timeout: 60_000 });
  }

  row(key: string): Locator {
    return this.page.getByTestId(`summary-row-${key}`);
  }

  async exportAs(format: 'md' | 'pdf'): Promise<void> {
    await this.page.getByTestId(`summary-export-${format}`).click();
  }
}
