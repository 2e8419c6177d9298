/**
 * Playwright: the web project drives browser mode (`omni-review serve` on a fresh workspace) in Debian's
 * Chromium and never downloads a browser; the electron project runs the shell-only specs where an Electron
 * binary exists and skips them with a printed reason elsewhere. `npm run e2e` builds first.
 */
import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4790);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Browser mode's access token for this e2e run: made once here, in the runner's environment, so the server
// (webServer.env) and the workers (which inherit it and re-read this file) share it. Page objects open
// `/?token=…` the way a user opens the printed address.
process.env.OMNI_REVIEW_E2E_TOKEN ??= randomBytes(32).toString('base64url');
const TOKEN = process.env.OMNI_REVIEW_E2E_TOKEN;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // The app runs two simulators, comparisons and the UI on a 2-core machine: one test at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      name: 'web',
      testDir: './e2e/web',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
    { name: 'electron', testDir: './e2e/electron', testMatch: '*.spec.ts', workers: 1, timeout: 60_000 },
  ],
  webServer: {
    command: `node scripts/e2e-serve.ts`,
    env: { E2E_PORT: String(PORT), OMNI_REVIEW_TOKEN: TOKEN },
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
