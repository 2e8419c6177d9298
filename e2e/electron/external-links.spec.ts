// Shell-only: links leave the app only as plain http(s) URLs through openExternalUrl (electron/main/external-links.ts).
import { ELECTRON, SKIP_REASON, expect, test } from './fixtures.ts';

test.skip(!ELECTRON.ok, SKIP_REASON);

test('a target=_blank link goes to the browser through the guard', async ({ page, openedExternally }) => {
  await page.evaluate(() => {
    const a = document.createElement('a');
    a.href = 'https://github.com/vllm-project/vllm-omni';
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = 'docs';
    a.id = 'e2e-external-link';
    document.body.append(a);
  });
  await page.click('#e2e-external-link');
  await expect.poll(openedExternally).toEqual(['https://github.com/vllm-project/vllm-omni']);
});

test('links with credentials or other schemes are never handed over', async ({ page, openedExternally }) => {
  await page.evaluate(() => {
    window.open('https://bank.example@evil.example/');
    window.open('smb://server/share');
    window.open('data:text/html,<script>alert(1)</script>');
    // A good one last: when it arrives, the refused ones above were already handled.
    window.open('https://example.org/ok');
  });
  await expect.poll(openedExternally).toEqual(['https://example.org/ok']);
});
