// Shell-only: omni:// serves the UI with a CSP and refuses path traversal (electron/main/protocol.ts, path-guard.ts).
import type { Page } from '@playwright/test';
import { ELECTRON, SKIP_REASON, expect, test } from './fixtures.ts';

test.skip(!ELECTRON.ok, SKIP_REASON);

async function status(page: Page, url: string): Promise<{ status: number; body: string; csp: string | null }> {
  return page.evaluate(async (target) => {
    const res = await fetch(target);
    return { status: res.status, body: await res.text(), csp: res.headers.get('content-security-policy') };
  }, url);
}

test('the UI comes with a Content-Security-Policy header', async ({ page }) => {
  const res = await status(page, 'omni://app/index.html');
  expect(res.status).toBe(200);
  expect(res.csp).toContain("script-src 'self'");
  expect(res.csp).toContain("object-src 'none'");
});

for (const url of [
  'omni://app/..%2f..%2fpackage.json',
  'omni://app/..%5c..%5cpackage.json',
  'omni://app/assets/..%2f..%2f..%2fpackage.json',
  'omni://app/index.html%00.js',
]) {
  test(`refuses ${url}`, async ({ page }) => {
    const res = await status(page, url);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('"name"');
  });
}

for (const url of ['omni://app/../../package.json', 'omni://app/%2e%2e/%2e%2e/package.json']) {
  test(`resolves ${url} inside the UI folder`, async ({ page }) => {
    const res = await status(page, url);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('"name"');
  });
}

test('images are looked up by id only', async ({ electronApp }) => {
  // From the main process (the page's CSP does not allow fetching the image host): unknown ids are 404.
  const codes = await electronApp.evaluate(async ({ net }) => {
    const out: number[] = [];
    for (const url of ['omni://img/no-such-run/abc', 'omni://img/..%2f..%2fetc/passwd', 'omni://file/no-such-run/report.html']) {
      out.push((await net.fetch(url)).status);
    }
    return out;
  });
  expect(codes).toEqual([404, 400, 404]);
});
