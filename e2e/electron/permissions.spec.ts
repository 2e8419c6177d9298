// Shell-only: every permission request and check is denied (electron/main/security.ts denyAllPermissions).
import { ELECTRON, SKIP_REASON, expect, test } from './fixtures.ts';

test.skip(!ELECTRON.ok, SKIP_REASON);

test('permission checks answer denied', async ({ page }) => {
  const states = await page.evaluate(async () => {
    const names = ['notifications', 'geolocation', 'camera', 'microphone', 'clipboard-read'];
    const out: Record<string, string> = {};
    for (const name of names) {
      try {
        out[name] = (await navigator.permissions.query({ name: name as PermissionName })).state;
      } catch (error) {
        out[name] = `error: ${(error as Error).name}`;
      }
    }
    return out;
  });
  for (const [name, state] of Object.entries(states)) expect(state, name).not.toBe('granted');
  expect(states.notifications).toBe('denied');
});

test('permission requests are refused', async ({ page }) => {
  const results = await page.evaluate(async () => {
    const media = await navigator.mediaDevices
      .getUserMedia({ video: true })
      .then(() => 'granted')
      .catch((error: Error) => error.name);
    const notification = await Notification.requestPermission();
    const geo = await new Promise<string>((resolve) =>
      navigator.geolocation.getCurrentPosition(
        () => resolve('granted'),
        (error) => resolve(error.code === error.PERMISSION_DENIED ? 'denied' : `error ${error.code}`),
      ),
    );
    return { media, notification, geo };
  });
  expect(results.media).not.toBe('granted');
  expect(results.notification).toBe('denied');
  expect(results.geo).toBe('denied');
});
