/**
 * Page object for the whole window: navigation, top bar (run, SIMULATED badge, blind, reviewer, help),
 * notices and the first-run reviewer prompt. Feature pages hang off it: `app.runs`, `app.review`, `app.speed`.
 * Selectors are the data-testids the renderer sets for e2e (never text or CSS classes).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { ReviewPage } from './review-page.ts';
import { RunsPage } from './runs-page.ts';
import { SpeedPage } from './speed-page.ts';

/** The access token playwright.config.ts made for this e2e run (and gave the server). */
export function e2eToken(): string {
  const token = process.env.OMNI_REVIEW_E2E_TOKEN;
  if (!token) throw new Error('OMNI_REVIEW_E2E_TOKEN is not set: run the e2e tests through playwright.config.ts');
  return token;
}

export class AppPage {
  readonly page: Page;
  readonly runs: RunsPage;
  readonly review: ReviewPage;
  readonly speed: SpeedPage;
  readonly root: Locator;
  readonly topBar: Locator;
  readonly currentRun: Locator;
  readonly simulatedBadge: Locator;
  readonly blindIndicator: Locator;
  readonly reviewerName: Locator;
  readonly helpButton: Locator;
  readonly helpSheet: Locator;
  readonly reviewerPrompt: Locator;
  readonly reviewerInput: Locator;
  readonly notice: Locator;
  readonly bootError: Locator;

  constructor(page: Page) {
    this.page = page;
    this.runs = new RunsPage(page);
    this.review = new ReviewPage(page);
    this.speed = new SpeedPage(page);
    this.root = page.getByTestId('app');
    this.topBar = page.getByTestId('top-bar');
    this.currentRun = page.getByTestId('current-run');
    this.simulatedBadge = this.topBar.getByTestId('simulated-badge');
    this.blindIndicator = page.getByTestId('blind-indicator');
    this.reviewerName = page.getByTestId('reviewer-name');
    this.helpButton = page.getByTestId('help-button');
    this.helpSheet = page.getByTestId('help-sheet');
    this.reviewerPrompt = page.getByTestId('reviewer-prompt');
    this.reviewerInput = page.getByTestId('reviewer-input');
    this.notice = page.getByTestId('notice');
    this.bootError = page.getByTestId('boot-error');
  }

  /**
   * Open the app at the base URL (browser mode against `omni-review serve`), the way a user opens the printed
   * address: with this launch's access token, which the server swaps for a cookie and drops from the URL.
   */
  async goto(query = ''): Promise<void> {
    const params = new URLSearchParams(query.replace(/^\?/, ''));
    params.set('token', e2eToken());
    await this.page.goto(`/?${params.toString()}`);
    await expect(this.root).toBeVisible();
  }

  /**
   * Name the reviewer whether or not this workspace already has one: the web specs share one server and workspace,
   * so only the first spec to run sees the first-run prompt. Waits until the app has decided (prompt shown, or a
   * reviewer named in the top bar) so a prompt that opens late cannot cover the screen afterwards.
   */
  async ensureReviewer(name: string, options: { blindByDefault?: boolean } = {}): Promise<void> {
    await expect
      .poll(async () => (await this.reviewerPrompt.isVisible()) || ((await this.reviewerName.textContent()) ?? '').trim() !== 'Set reviewer')
      .toBe(true);
    await this.setReviewer(name, options);
  }

  /** Answer the first-run prompt (or change the reviewer from the top bar). */
  async setReviewer(name: string, options: { blindByDefault?: boolean } = {}): Promise<void> {
    if (!(await this.reviewerPrompt.isVisible())) await this.reviewerName.click();
    await this.reviewerInput.fill(name);
    if (options.blindByDefault !== undefined) await this.reviewerPrompt.getByTestId('blind-default').setChecked(options.blindByDefault);
    await this.reviewerPrompt.getByTestId('reviewer-save').click();
    await expect(this.reviewerPrompt).toBeHidden();
    await expect(this.reviewerName).toHaveText(name);
  }

  async gotoRuns(): Promise<void> {
    await this.page.getByTestId('nav-runs').click();
    await expect(this.runs.root).toBeVisible();
  }

  async gotoReview(): Promise<void> {
    await this.page.getByTestId('nav-review').click();
    await expect(this.review.root).toBeVisible();
  }

  /**
   * Press a shortcut with focus on the page body (a focused field would swallow it, which is the point of the
   * key gate; tests that check that gate focus the field themselves).
   */
  async press(key: string): Promise<void> {
    await this.page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (el && el !== document.body && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) el.blur();
    });
    await this.page.keyboard.press(key);
  }

  async isBlind(): Promise<boolean> {
    return (await this.blindIndicator.getAttribute('aria-pressed')) === 'true';
  }

  async setBlind(on: boolean): Promise<void> {
    if ((await this.isBlind()) !== on) await this.press('b');
    await expect(this.blindIndicator).toHaveAttribute('aria-pressed', String(on));
  }

  async openHelp(): Promise<void> {
    await this.press('?');
    await expect(this.helpSheet).toBeVisible();
  }

  async closeDialog(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }
}
