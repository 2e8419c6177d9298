/**
 * Page object for the Speed screen: the sweep list, starting a sweep or opening a sweep folder, the A-vs-B and
 * results tables, and the charts. data-testid locators only.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class SpeedPage {
  readonly page: Page;
  readonly root: Locator;
  readonly sweepList: Locator;
  readonly view: Locator;
  readonly teamTable: Locator;
  readonly resultsTable: Locator;
  readonly stageTable: Locator;
  readonly progress: Locator;
  readonly error: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('speed-page');
    this.sweepList = page.getByTestId('sweep-list');
    this.view = page.getByTestId('sweep-view');
    this.teamTable = page.getByTestId('team-table');
    this.resultsTable = page.getByTestId('results-table');
    this.stageTable = page.getByTestId('stage-table');
    this.progress = page.getByTestId('sweep-progress');
    this.error = page.getByTestId('speed-error');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-speed').click();
    await expect(this.root).toBeVisible();
  }

  /** Start a sweep on the simulators from the form (spec by its path as `sweeps:specs` lists it). */
  async startSweep(specPath: string): Promise<void> {
    await this.page.getByTestId('sweep-spec').selectOption(specPath);
    await this.page.getByTestId('start-sweep').click();
    await expect(this.page.getByTestId('start-sweep-error')).toBeHidden();
    await expect(this.view).toBeVisible();
  }

  async openFolder(dir: string): Promise<void> {
    await this.page.getByTestId('open-sweep-dir').fill(dir);
    await this.page.getByTestId('open-sweep').click();
    await expect(this.page.getByTestId('open-sweep-error')).toBeHidden();
    await expect(this.view).toBeVisible();
  }

  /** The open sweep's state chip reads `state` (complete, partial, …). */
  async waitForState(state: string, timeout: number): Promise<void> {
    await expect(this.progress.locator('.state-chip')).toHaveText(state, { timeout, ignoreCase: true });
  }

  teamRows(): Locator {
    return this.teamTable.locator('tbody tr');
  }

  resultRow(pointId: string, side: 'A' | 'B'): Locator {
    return this.page.getByTestId(`result-row-${pointId}-${side}`);
  }

  chart(id: string): Locator {
    return this.page.getByTestId(`chart-${id}`);
  }

  /** The chart's drawn marks: ECharts' SVG paths (lines, bars, symbols) inside its figure. */
  chartMarks(id: string): Locator {
    return this.chart(id).locator('svg path');
  }
}
