// Shell-only: navigation and new windows never leave omni://app (electron/main/security.ts hardenWebContents).
import { ELECTRON, SKIP_REASON, expect, test } from './fixtures.ts';

test.skip(!ELECTRON.ok, SKIP_REASON);

test('the window shows the app from omni://app, not file://', async ({ page }) => {
  expect(new URL(page.url()).protocol).toBe('omni:');
  expect(new URL(page.url()).host).toBe('app');
});

test('navigating away is refused and the page stays', async ({ page, openedExternally }) => {
  const before = page.url();
  await page.evaluate(() => {
    location.href = 'file:///etc/passwd';
  });
  await page.evaluate(() => {
    location.href = 'omni://app.evil/index.html';
  });
  // The web link is handed to the (stubbed) browser; once it arrives, the earlier attempts were handled too.
  await page.evaluate(() => {
    location.href = 'https://example.org/navigated';
  });
  await expect.poll(openedExternally).toEqual(['https://example.org/navigated']);
  expect(page.url()).toBe(before);
  expect(await page.evaluate(() => document.readyState)).toBe('complete');
});

test('window.open never creates a window', async ({ electronApp, page, openedExternally }) => {
  await page.evaluate(() => {
    window.open('omni://app/index.html');
    window.open('javascript:alert(1)');
    window.open('file:///etc/passwd');
    window.open('https://example.org/popup');
  });
  await expect.poll(openedExternally).toEqual(['https://example.org/popup']);
  expect(electronApp.windows()).toHaveLength(1);
});

test('the page gets no Node and exactly one bridge object', async ({ page }) => {
  const shape = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    bridge: Object.keys((window as unknown as { reviewApi: object }).reviewApi).sort(),
  }));
  expect(shape).toEqual({ require: 'undefined', process: 'undefined', bridge: ['call', 'subscribe'] });
});

test('the bridge refuses channels outside the contract', async ({ page }) => {
  const reply = await page.evaluate(() =>
    (window as unknown as { reviewApi: { call(c: string, r: unknown): Promise<unknown> } }).reviewApi.call('fs:read-file', { path: '/etc/passwd' }),
  );
  expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
});
