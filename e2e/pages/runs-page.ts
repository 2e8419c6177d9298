/** Page object for the Runs page: start a run, follow its per-backend progress, cancel/resume, open folders. */
import { expect, type Locator, type Page } from '@playwright/test';

export type Side = 'A' | 'B';

export interface BackendOptions {
  /** A base URL; omit for the simulator. */
  url?: string;
  kind?: 'vllm-omni' | 'diffusers';
  faults?: string;
  concurrency?: number;
}

export interface StartOptions {
  /** A suite from the list, by path (the select's value). */
  suitePath?: string;
  /** Or a YAML file to upload (checked by the engine before the run starts). */
  suiteFile?: { name: string; content: string };
  A?: BackendOptions;
  B?: BackendOptions;
  params?: { seed?: number | ''; steps?: number | ''; size?: string; repeats?: number; timeoutS?: number; retries?: number };
}

export interface ProgressCounts {
  done: number;
  total: number;
  error: number;
}

export class RunsPage {
  readonly page: Page;
  readonly root: Locator;
  readonly form: Locator;
  readonly suiteSelect: Locator;
  readonly suiteFile: Locator;
  readonly suiteCheck: Locator;
  readonly startButton: Locator;
  readonly startError: Locator;
  readonly runRows: Locator;
  readonly openFolderInput: Locator;
  readonly openFolderError: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('runs-page');
    this.form = page.getByTestId('start-run');
    this.suiteSelect = page.getByTestId('suite-select');
    this.suiteFile = page.getByTestId('suite-file');
    this.suiteCheck = page.getByTestId('suite-check');
    this.startButton = page.getByTestId('start-run-submit');
    this.startError = page.getByTestId('start-error');
    this.runRows = page.getByTestId('run-row');
    this.openFolderInput = page.getByTestId('open-folder-input');
    this.openFolderError = page.getByTestId('open-folder-error');
  }

  runRow(runId: string): Locator {
    return this.page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  }

  progress(runId: string, side: Side): Locator {
    return this.runRow(runId).getByTestId(`progress-${side}`);
  }

  async progressCounts(runId: string, side: Side): Promise<ProgressCounts> {
    const bar = this.progress(runId, side);
    const n = async (attr: string) => Number(await bar.getAttribute(attr));
    return { done: await n('data-done'), total: await n('data-total'), error: await n('data-error') };
  }

  /** The id of the one run listed now that is not in `known` (the ids listed before starting it). */
  async newRunId(known: ReadonlySet<string>): Promise<string> {
    await expect.poll(async () => (await this.runIds()).filter((id) => !known.has(id))).toHaveLength(1);
    return (await this.runIds()).find((id) => !known.has(id))!;
  }

  async runIds(): Promise<string[]> {
    return (await this.runRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id') ?? ''))).filter(Boolean);
  }

  async uploadSuite(name: string, content: string): Promise<void> {
    await this.suiteFile.setInputFiles({ name, mimeType: 'application/yaml', buffer: Buffer.from(content, 'utf8') });
    await expect(this.suiteCheck).not.toContainText('Checking');
  }

  private async fillBackend(side: Side, options: BackendOptions): Promise<void> {
    const box = this.page.getByTestId(`backend-${side}`);
    if (options.url !== undefined) {
      await box.getByTestId(`backend-${side}-url-mode`).check({ force: true });
      await box.getByTestId(`backend-${side}-url`).fill(options.url);
    } else {
      await box.getByTestId(`backend-${side}-sim`).check({ force: true });
      if (options.faults !== undefined) await box.getByTestId(`backend-${side}-faults`).fill(options.faults);
    }
    if (options.kind) await box.getByTestId(`backend-${side}-kind`).selectOption(options.kind);
    if (options.concurrency !== undefined) await box.getByTestId(`backend-${side}-concurrency`).fill(String(options.concurrency));
  }

  /** The Runs page's "Read rendered text (OCR)" box: the workspace's `ocr` setting, kept for later runs. */
  async setOcr(on: boolean): Promise<void> {
    const box = this.page.getByTestId('setting-ocr');
    await box.setChecked(on);
    await expect(box).toBeChecked({ checked: on });
  }

  /** Fill the form and press Start. The app opens the new run for review when it starts. */
  async startRun(options: StartOptions = {}): Promise<void> {
    if (options.suiteFile) await this.uploadSuite(options.suiteFile.name, options.suiteFile.content);
    else if (options.suitePath) await this.suiteSelect.selectOption(options.suitePath);
    if (options.A) await this.fillBackend('A', options.A);
    if (options.B) await this.fillBackend('B', options.B);
    const p = options.params ?? {};
    const fields: Array<[string, string | number | undefined]> = [
      ['param-seed', p.seed],
      ['param-steps', p.steps],
      ['param-size', p.size],
      ['param-repeats', p.repeats],
      ['param-timeout', p.timeoutS],
      ['param-retries', p.retries],
    ];
    for (const [id, value] of fields) if (value !== undefined) await this.page.getByTestId(id).fill(String(value));
    await this.startButton.click();
  }

  async cancel(runId: string): Promise<void> {
    await this.runRow(runId).getByTestId('run-cancel').click();
    await expect(this.runRow(runId)).toHaveAttribute('data-state', 'cancelled');
  }

  async resume(runId: string): Promise<void> {
    await this.runRow(runId).getByTestId('run-resume').click();
  }

  async openForReview(runId: string): Promise<void> {
    await this.runRow(runId).getByTestId('run-open').click();
    await expect(this.page.getByTestId('review-page')).toBeVisible();
  }

  async waitForState(runId: string, state: string | RegExp, timeout = 30_000): Promise<void> {
    await expect(this.runRow(runId)).toHaveAttribute('data-state', state, { timeout });
  }

  async openFolder(dir: string): Promise<void> {
    await this.openFolderInput.fill(dir);
    await this.page.getByTestId('open-folder-submit').click();
  }
}
