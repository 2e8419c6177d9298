/**
 * Fixtures for the Electron shell specs (Playwright `_electron`). They need a real Electron binary, which
 * this project cannot download on offline machines: where there is none, every spec skips with the reason
 * printed once. Where there is one:
 *
 * - unpackaged (default): the binary from node_modules/electron, located WITHOUT the electron package's
 *   download-on-require (scripts/start.ts), running the built app (`npm run build` first);
 * - packaged (Element Desktop's switch): OMNI_REVIEW_ELECTRON_EXECUTABLE=/path/to/omni-review, built with
 *   OMNI_REVIEW_E2E_BUILD=1 so the nodeCliInspect fuse Playwright needs is on.
 *
 * Each worker gets its own temp user-data folder and workspace (honoured because OMNI_REVIEW_E2E=1 in an
 * unpackaged app), the app is closed with a bound, and a trace is kept for failed tests (Electron traces are
 * manual: Playwright's `use.trace` only covers contexts it creates itself).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, test as base, type ElectronApplication, type Page } from '@playwright/test';
import { locateElectronBinary, type ElectronLocation } from '../../scripts/start.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGED = process.env.OMNI_REVIEW_ELECTRON_EXECUTABLE?.trim() || null;

function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function findElectron(): ElectronLocation {
  if (PACKAGED) {
    return existsSync(PACKAGED) ? { ok: true, binary: PACKAGED } : { ok: false, reason: `OMNI_REVIEW_ELECTRON_EXECUTABLE=${PACKAGED} does not exist` };
  }
  const found = locateElectronBinary({
    packageDir: electronPackageDir(),
    env: process.env,
    platform: process.platform,
    exists: existsSync,
    readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
  });
  if (found.ok && !existsSync(join(ROOT, 'out', 'main', 'index.js'))) return { ok: false, reason: 'out/main/index.js is missing: run `npm run build` first' };
  if (found.ok && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display (set DISPLAY, e.g. run under xvfb-run)' };
  }
  return found;
}

/** Whether the shell specs can run here, and why not. */
export const ELECTRON = findElectron();
export const SKIP_REASON = ELECTRON.ok ? '' : `Electron shell specs skipped: ${ELECTRON.reason}`;
if (!ELECTRON.ok) console.log(SKIP_REASON);

/** Bound on launch and on close, so a hung app fails the test instead of the whole run. */
const LAUNCH_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 10_000;

async function closeBounded(app: ElectronApplication): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS)));
  const result = await Promise.race([app.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') app.process().kill('SIGKILL');
}

interface ShellFixtures {
  /** The app's first window, loaded. */
  page: Page;
  /** URLs handed to shell.openExternal since the test started (the real call is stubbed out). */
  openedExternally: () => Promise<string[]>;
}

interface ShellWorkerFixtures {
  electronApp: ElectronApplication;
}

export const test = base.extend<ShellFixtures, ShellWorkerFixtures>({
  electronApp: [
    // Playwright reads fixture dependencies from this destructuring pattern; this fixture has none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, workerInfo) => {
      const profile = await mkdtemp(join(tmpdir(), `omni-e2e-electron-${workerInfo.workerIndex}-`));
      const app = await _electron.launch({
        // Always explicit: without it Playwright requires the electron package, which downloads a binary.
        executablePath: ELECTRON.ok ? ELECTRON.binary : 'electron-not-available',
        args: PACKAGED ? [] : [ROOT],
        cwd: ROOT,
        timeout: LAUNCH_TIMEOUT_MS,
        env: {
          ...process.env,
          OMNI_REVIEW_E2E: '1',
          OMNI_REVIEW_USER_DATA: join(profile, 'user-data'),
          OMNI_REVIEW_WORKSPACE: join(profile, 'workspace'),
          ELECTRON_ENABLE_LOGGING: '1',
        },
      });
      app.process().stdout?.on('data', (chunk: Buffer) => process.stdout.write(`[electron ${workerInfo.workerIndex}] ${chunk}`));
      app.process().stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[electron ${workerInfo.workerIndex}] ${chunk}`));
      await app.context().tracing.start({ screenshots: true, snapshots: true });
      await use(app);
      await app.context().tracing.stop().catch(() => {});
      await closeBounded(app);
      await rm(profile, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: LAUNCH_TIMEOUT_MS + CLOSE_TIMEOUT_MS },
  ],

  page: async ({ electronApp }, use, testInfo) => {
    const page = await electronApp.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    await electronApp.context().tracing.startChunk({ title: testInfo.title });
    await use(page);
    const failed = testInfo.status !== testInfo.expectedStatus;
    const path = testInfo.outputPath('trace.zip');
    await electronApp.context().tracing.stopChunk(failed ? { path } : undefined);
    if (failed) await testInfo.attach('trace', { path, contentType: 'application/zip' });
  },

  openedExternally: async ({ electronApp }, use) => {
    // Replace shell.openExternal in the main process; the app looks it up at call time (electron/main/index.ts).
    await electronApp.evaluate(({ shell }) => {
      const record: string[] = [];
      (globalThis as unknown as { __omniOpened: string[] }).__omniOpened = record;
      shell.openExternal = async (url: string) => {
        record.push(url);
      };
    });
    await use(() => electronApp.evaluate(() => [...(globalThis as unknown as { __omniOpened: string[] }).__omniOpened]));
  },
});

export { expect } from '@playwright/test';
