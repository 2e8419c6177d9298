/**
 * Browser mode's access token, in a real browser: without it every route answers 401; the printed address
 * (`/?token=…`) lets the page in, swaps the token for an HttpOnly cookie and takes it out of the address bar.
 */
import { expect, test } from '@playwright/test';
import { AppPage, e2eToken } from '../pages/app-page.ts';

test('without the token nothing is served; the printed address opens the app and leaves no token in the URL', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const path of ['/', '/index.html', '/events', '/img/x/y', '/files/x/report.html']) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(401);
  }
  expect((await page.request.post('/rpc/app:get-info', { data: {} })).status()).toBe(401);
  expect((await page.request.post('/rpc/app:get-info', { data: {}, headers: { authorization: 'Bearer not-the-token-0123456789abcdefghijkl' } })).status()).toBe(401);

  const app = new AppPage(page);
  await app.goto();
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name.startsWith('omni-review-'));
  expect(session).toMatchObject({ value: e2eToken(), httpOnly: true, sameSite: 'Lax' });
  // The page cannot read it: HttpOnly.
  expect(await page.evaluate(() => document.cookie)).toBe('');
  // The page's own calls carry it.
  expect((await page.request.post('/rpc/app:get-info', { data: {} })).status()).toBe(200);
  await context.close();
});
