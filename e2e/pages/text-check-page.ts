/** Page object for the text check of the current pair (issue 11): per-side panel, OCR boxes, suggestions. */
import { expect, type Locator, type Page } from '@playwright/test';

export type Position = 'left' | 'right';

export class TextCheckPanel {
  readonly page: Page;
  readonly root: Locator;
  readonly boxesToggle: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('text-check');
    this.boxesToggle = page.getByTestId('text-boxes-toggle');
  }

  side(position: Position): Locator {
    return this.page.getByTestId(`text-side-${position}`);
  }

  /** pass | fail | unread */
  async state(position: Position): Promise<string | null> {
    return this.side(position).getAttribute('data-state');
  }

  expected(position: Position): Locator {
    return this.page.getByTestId(`text-expected-${position}`);
  }

  /** Characters of the expected text marked wrong, missing or extra on that side. */
  markedChars(position: Position): Locator {
    return this.expected(position).locator('mark');
  }

  /**
   * The fonts Chromium drew that side's reading with (DevTools protocol: the platform fonts of the node). On a
   * machine without CJK fonts, Chinese must come out in the bundled fallback, never as another family's boxes.
   */
  async readFonts(position: Position): Promise<string[]> {
    const cdp = await this.page.context().newCDPSession(this.page);
    try {
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `[data-testid="text-read-${position}"]` });
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      return fonts.map((f) => f.familyName);
    } finally {
      await cdp.detach();
    }
  }

  read(position: Position): Locator {
    return this.page.getByTestId(`text-read-${position}`);
  }

  suggestions(position: Position): Locator {
    return this.page.getByTestId(`suggestion-${position}`);
  }

  suggestion(position: Position, tag: string): Locator {
    return this.page.locator(`[data-testid="suggestion-${position}"][data-tag="${tag}"]`);
  }

  /** OCR boxes drawn over the output on that side of the compare view. */
  boxes(position: Position): Locator {
    return this.page.getByTestId(`pane-${position}`).getByTestId(`ocr-box-${position}`);
  }

  /** A key for the review screen, not for whatever input had focus (the filter box). */
  async pressOnPage(key: string): Promise<void> {
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    await this.page.keyboard.press(key);
  }

  /** y: accept the next open suggestion; waits until it shows as accepted. */
  async acceptNext(position: Position, tag: string): Promise<void> {
    await expect(this.suggestion(position, tag)).toHaveAttribute('data-state', 'open');
    await this.pressOnPage('y');
    await expect(this.suggestion(position, tag)).toHaveAttribute('data-state', 'accepted');
  }
}
