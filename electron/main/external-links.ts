/**
 * The one gate in front of `shell.openExternal`. `openExternal` hands a string to the operating system,
 * which will happily run `file:`, `smb:`, `ms-msdt:` or any registered scheme handler, so only plain web
 * links pass: parsed with the URL parser (never prefix-matched), http or https, a host, no user info (a
 * `https://bank.example@evil.example/` link reads like the first host but goes to the second).
 */

/** Longest URL we hand to the OS; anything longer is not a link a person clicked. */
const MAX_URL_LENGTH = 4096;

/** The normalised URL when `value` is a web link that may leave the app, otherwise null. */
export function safeExternalUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.href;
}

/**
 * Open `value` in the user's browser through `open` (shell.openExternal in the app, a stub in tests) when it
 * passes safeExternalUrl; returns whether it was handed over. A failure of `open` itself is logged, not thrown:
 * the caller is an Electron event handler with nobody to catch it.
 */
export function openExternalUrl(value: unknown, open: (url: string) => unknown, log: (message: string) => void = console.warn): boolean {
  const href = safeExternalUrl(value);
  if (href === null) {
    log(`refused to open an external link that is not a plain http(s) URL: ${JSON.stringify(String(value)).slice(0, 200)}`);
    return false;
  }
  try {
    const result = open(href);
    if (result instanceof Promise) {
      result.catch((error: unknown) => log(`could not open ${href}: ${error instanceof Error ? error.message : String(error)}`));
    }
  } catch (error) {
    log(`could not open ${href}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  return true;
}
