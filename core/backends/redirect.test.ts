/**
 * Issue 9, finding 7: a 302's error did not show its Location, so "http:// instead of https://" or a missing path
 * prefix looked like a server failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { httpError } from './errors.ts';
import { recordedRoutes, startReplayServer, type ReplayServer } from './testing/replay-server.ts';
import { BackendError } from './types.ts';
import { VllmOmniAdapter } from './vllm-omni.ts';

let server: ReplayServer | undefined;
let adapter: VllmOmniAdapter | undefined;
afterEach(async () => {
  adapter?.close();
  await server?.close();
  server = adapter = undefined;
});

describe('a redirect', () => {
  it('names where the server redirects to, on one line', () => {
    const e = httpError({ method: 'POST', url: 'http://gpu:8000/v1/images/edits', status: 302, body: '', location: 'https://gpu:8443/v1/images/edits' });
    expect(e.message).toBe(
      'POST http://gpu:8000/v1/images/edits failed with HTTP 302: (empty body) The server redirects to https://gpu:8443/v1/images/edits ' +
        '(we do not follow redirects): check the base URL, e.g. http:// vs https:// or a path prefix.',
    );
    const evil = httpError({ method: 'POST', url: 'http://x/', status: 301, body: '', location: 'http://y/\r\nX-Injected: 1' });
    expect(evil.message).not.toMatch(/[\r\n]/);
    expect(httpError({ method: 'POST', url: 'http://x/', status: 307, body: '' }).message).toMatch(/a redirect but no Location/);
    expect(httpError({ method: 'POST', url: 'http://x/', status: 500, body: '', location: 'http://y/' }).message).not.toMatch(/redirect/);
  });

  it('from a real server: the job error carries the Location', async () => {
    server = await startReplayServer({
      routes: {
        ...recordedRoutes('vllm-omni/current'),
        'POST /v1/images/generations': { status: 302, bodyText: '', contentType: null, headers: { location: 'https://127.0.0.1:8443/v1/images/generations' } },
      },
    });
    adapter = new VllmOmniAdapter(server.url, { healthPollInitialMs: 5, healthPollMaxMs: 20 });
    await adapter.connect();
    const error = await adapter
      .send({ prompt: 'p', seed: 1, steps: 1, size: '256x256', images: [] }, { signal: new AbortController().signal, timeoutMs: 120_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toMatch(/HTTP 302: .*redirects to https:\/\/127\.0\.0\.1:8443\/v1\/images\/generations/);
  });
});
