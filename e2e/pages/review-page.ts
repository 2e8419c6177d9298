/**
 * Page object for the Review page: the virtualized pair list with buckets, the token filter and the sort, the compare
 * panes, verdict buttons and keys, tags, note, undo, blind labels, timings and export.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export type VerdictValue = 'A_better' | 'B_better' | 'tie' | 'both_bad' | 'skip';
export type ExportFormat = 'html' | 'json' | 'csv';
/** The list's sort orders (renderer/src/lib/sort.ts). */
export type SortOrder = 'suite' | 'text-error' | 'diff' | 'latency';

/** The key for each verdict button (1/2 are positional: left/right in blind mode). */
export const VERDICT_KEYS: Record<VerdictValue, string> = { A_better: '1', B_better: '2', tie: '3', both_bad: '4', skip: 's' };

export class ReviewPage {
  readonly page: Page;
  readonly root: Locator;
  readonly rows: Locator;
  readonly selectedRow: Locator;
  readonly filterInput: Locator;
  readonly filterErrors: Locator;
  readonly filterCount: Locator;
  readonly sortSelect: Locator;
  readonly listEmpty: Locator;
  readonly saveState: Locator;
  readonly tagPalette: Locator;
  readonly tagFilter: Locator;
  readonly pairTags: Locator;
  readonly noteInput: Locator;
  readonly pairNote: Locator;
  readonly unsavedDraft: Locator;
  readonly labelLeft: Locator;
  readonly labelRight: Locator;
  readonly paneSource: Locator;
  readonly paneLeft: Locator;
  readonly paneRight: Locator;
  readonly pairTitle: Locator;
  readonly prompt: Locator;
  readonly expectedText: Locator;
  readonly timings: Locator;
  readonly exportLink: Locator;
  readonly exportPath: Locator;
  readonly exportError: Locator;
  readonly progress: Locator;
  readonly reviewStats: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('review-page');
    this.rows = page.getByTestId('pair-row');
    this.selectedRow = page.locator('[data-testid="pair-row"][aria-selected="true"]');
    this.filterInput = page.getByTestId('filter-input');
    this.filterErrors = page.getByTestId('filter-errors');
    this.filterCount = page.getByTestId('filter-count');
    this.sortSelect = page.getByTestId('review-sort');
    this.listEmpty = page.getByTestId('pair-list-empty');
    this.saveState = page.getByTestId('save-state');
    this.tagPalette = page.getByTestId('tag-palette');
    this.tagFilter = page.getByTestId('tag-filter');
    this.pairTags = page.getByTestId('pair-tags');
    this.noteInput = page.getByTestId('note-input');
    this.pairNote = page.getByTestId('pair-note');
    this.unsavedDraft = page.getByTestId('unsaved-draft');
    this.labelLeft = page.getByTestId('label-left');
    this.labelRight = page.getByTestId('label-right');
    this.paneSource = page.getByTestId('pane-source');
    this.paneLeft = page.getByTestId('pane-left');
    this.paneRight = page.getByTestId('pane-right');
    this.pairTitle = page.getByTestId('pair-title');
    this.prompt = page.getByTestId('compare-view').getByTestId('prompt');
    this.expectedText = page.getByTestId('compare-view').getByTestId('expected-text');
    this.timings = page.getByTestId('timings');
    this.exportLink = page.getByTestId('export-link');
    this.exportPath = page.getByTestId('export-path');
    this.exportError = page.getByTestId('export-error');
    this.progress = page.getByTestId('review-progress');
    this.reviewStats = page.getByTestId('review-stats');
  }

  /** Opens the "Review stats" section (its numbers are computed only while it is open). */
  async openReviewStats(): Promise<void> {
    const details = this.reviewStats.locator('details');
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await this.reviewStats.locator('summary').click();
  }

  reviewRate(verdict: string): Locator {
    return this.page.getByTestId(`review-rate-${verdict}`);
  }

  bucket(name: string): Locator {
    return this.page.getByTestId(`bucket-${name}`);
  }

  async bucketCount(name: string): Promise<number> {
    return Number(await this.bucket(name).getAttribute('data-count'));
  }

  verdictButton(value: VerdictValue): Locator {
    return this.page.getByTestId(`verdict-${value}`);
  }

  tagOption(tag: string): Locator {
    return this.page.getByTestId(`tag-option-${tag}`);
  }

  row(pairKey: string): Locator {
    return this.page.locator(`[data-testid="pair-row"][data-key="${pairKey}"]`);
  }

  /** Key of the pair on screen. */
  async currentKey(): Promise<string> {
    await expect(this.selectedRow).toHaveCount(1);
    return (await this.selectedRow.getAttribute('data-key')) ?? '';
  }

  /**
   * How many pixels of a pane label's output size (e.g. "1024×1024") are cut off at the label's right edge; 0 when
   * it is shown whole. A narrow pane must shorten the backend's name instead.
   */
  async labelSizeClippedPx(label: Locator): Promise<number> {
    const sub = label.locator('.cv-pane-sub');
    await expect(sub).toHaveText(/^\d+×\d+$/);
    return sub.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const parent = (el.parentElement as HTMLElement).getBoundingClientRect();
      return Math.max(0, Math.ceil(box.right - parent.right), el.scrollWidth - el.clientWidth);
    });
  }

  async waitForPairs(): Promise<void> {
    await expect(this.rows.first()).toBeVisible();
  }

  /** Type a filter query; Enter leaves the box so shortcuts work again. */
  async filter(query: string): Promise<void> {
    await this.filterInput.fill(query);
    await this.filterInput.press('Enter');
  }

  /** Pick a sort order with the mouse (the select hands the keys back to the page). */
  async sortBy(order: SortOrder): Promise<void> {
    await this.sortSelect.selectOption(order);
    await expect(this.sortSelect).toHaveValue(order);
  }

  /** Keys of the rows in list order (the rows in the DOM: all of them for a short list). */
  async rowKeys(): Promise<string[]> {
    const rows = await this.rows.evaluateAll((els) => els.map((el) => ({ key: el.getAttribute('data-key') ?? '', top: el.getBoundingClientRect().top })));
    return rows.sort((a, b) => a.top - b.top).map((r) => r.key);
  }

  async clickBucket(name: string): Promise<void> {
    await this.bucket(name).click();
  }

  private async pressOnPage(key: string): Promise<void> {
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    await this.page.keyboard.press(key);
  }

  async next(): Promise<void> {
    await this.pressOnPage('j');
  }

  async prev(): Promise<void> {
    await this.pressOnPage('k');
  }

  /** Judge the current pair with its key and wait until the engine confirmed the write. */
  async judge(value: VerdictValue): Promise<void> {
    const key = await this.currentKey();
    await this.pressOnPage(VERDICT_KEYS[value]);
    await this.waitSaved(key);
  }

  /** Judge with the button instead of the key. */
  async judgeByClick(value: VerdictValue): Promise<void> {
    const key = await this.currentKey();
    await this.verdictButton(value).click();
    await this.waitSaved(key);
  }

  async waitSaved(pairKey: string): Promise<void> {
    await expect(this.saveState).toHaveAttribute('data-status', 'saved');
    await expect(this.row(pairKey)).not.toHaveAttribute('data-verdict', '');
  }

  async undo(): Promise<void> {
    await this.pressOnPage('u');
  }

  /** Toggle tags through the palette (t, type, Enter) and close it. */
  async toggleTags(tags: string[]): Promise<void> {
    await this.pressOnPage('t');
    await expect(this.tagPalette).toBeVisible();
    for (const tag of tags) {
      await this.tagFilter.fill(tag);
      await expect(this.tagOption(tag)).toBeVisible();
      await this.tagFilter.press('Enter');
      await expect(this.tagOption(tag)).toHaveAttribute('data-selected', 'true');
    }
    await this.tagFilter.press('Escape');
    await expect(this.tagPalette).toBeHidden();
  }

  async writeNote(text: string): Promise<void> {
    await this.pressOnPage('n');
    await this.noteInput.fill(text);
    await this.noteInput.press('Enter');
    await expect(this.noteInput).toBeHidden();
  }

  /** Export and return where the file went and the link that opens it. */
  async exportAs(format: ExportFormat): Promise<{ path: string; href: string }> {
    await this.page.getByTestId(`export-${format}`).click();
    await expect(this.exportLink).toHaveText(`report.${format}`);
    return { path: (await this.exportPath.textContent()) ?? '', href: (await this.exportLink.getAttribute('href')) ?? '' };
  }
}
