import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, normalizeBaseUrl } from './http.ts';
import { startReplayServer, type ReplayRoute, type ReplayServer } from './testing/replay-server.ts';
import { closedPort, rejection } from './testing/assertions.ts';

let server: ReplayServer | undefined;
let client: HttpClient | undefined;

afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

async function setup(routes: Record<string, ReplayRoute>) {
  server = await startReplayServer({ routes });
  client = new HttpClient(server.url);
  return { server, client };
}



describe('normalizeBaseUrl', () => {
  it('drops trailing slashes, a trailing /v1, query and hash', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(normalizeBaseUrl('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000');
    expect(normalizeBaseUrl(' http://host:8091/v1/ ')).toBe('http://host:8091');
    expect(normalizeBaseUrl('https://gpu.example/omni/v1?x=1#y')).toBe('https://gpu.example/omni');
  });
  it('rejects non-http URLs with an actionable message', () => {
    expect(() => normalizeBaseUrl('ftp://host/')).toThrow(/"ftp:\/\/host\/" must start with http:\/\/ or https:\/\//);
    expect(() => normalizeBaseUrl('localhost:8000')).toThrow(/must start with http/);
    expect(() => normalizeBaseUrl('127.0.0.1:8000')).toThrow(/not a valid URL/);
    expect(() => normalizeBaseUrl('not a url')).toThrow(/not a valid URL: use e\.g\. http:\/\/127\.0\.0\.1:8000/);
  });
});

describe('HttpClient', () => {
  it('returns status, media type, body and non-negative stage timings', async () => {
    const { client } = await setup({ 'GET /x': { status: 200, contentType: 'application/json; charset=utf-8', body: { ok: 1 } } });
    const res = await client.request({ method: 'GET', path: '/x', timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(JSON.parse(res.body.toString())).toEqual({ ok: 1 });
    const t = res.timings;
    for (const v of [t.uploadMs, t.waitMs, t.downloadMs]) expect(v).toBeGreaterThanOrEqual(0);
    expect(t.uploadMs + t.waitMs + t.downloadMs).toBeCloseTo(t.endedAt - t.startedAt, 6);
  });

  it('sends the body with its content length', async () => {
    const { server, client } = await setup({ 'POST /up': { status: 200, body: {} } });
    const body = new Uint8Array(100_000).fill(7);
    await client.request({ method: 'POST', path: '/up', body, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 5000 });
    const [rec] = server.requestsTo('POST /up');
    expect(rec?.bodyBytes).toBe(100_000);
    expect(rec?.headers['content-length']).toBe('100000');
  });

  it('attributes server think time to wait and a paused body to download', async () => {
    const { client } = await setup({
      'GET /slow-headers': { status: 200, body: { a: 'x'.repeat(100) }, delayMs: 100 },
      'GET /slow-body': { status: 200, body: { a: 'x'.repeat(100) }, bodyPauseMs: 100 },
    });
    const a = await client.request({ method: 'GET', path: '/slow-headers', timeoutMs: 5000 });
    expect(a.timings.waitMs).toBeGreaterThanOrEqual(90);
    const b = await client.request({ method: 'GET', path: '/slow-body', timeoutMs: 5000 });
    expect(b.timings.downloadMs).toBeGreaterThanOrEqual(90);
  });

  it('times out a request that never answers: retryable timeout', async () => {
    const { client } = await setup({ 'GET /hang': { status: 200, hang: true } });
    const e = await rejection(client.request({ method: 'GET', path: '/hang', timeoutMs: 150 }));
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain(`GET ${client.baseUrl}/hang timed out after 150 ms`);
  });

  it('cancels on abort once the request is in flight', async () => {
    const { server, client } = await setup({ 'POST /hang': { status: 200, hang: true } });
    const controller = new AbortController();
    const p = client.request({ method: 'POST', path: '/hang', body: new Uint8Array(10), signal: controller.signal, timeoutMs: 30_000 });
    await server.waitForRequests(1);
    controller.abort();
    const e = await rejection(p);
    expect(e.kind).toBe('cancelled');
    expect(e.retryable).toBe(false);
  });

  it('does not send at all when the signal is already aborted', async () => {
    const { server, client } = await setup({ 'GET /x': { status: 200, body: {} } });
    const e = await rejection(client.request({ method: 'GET', path: '/x', signal: AbortSignal.abort(), timeoutMs: 5000 }));
    expect(e.kind).toBe('cancelled');
    expect(server.requests).toHaveLength(0);
  });

  it('connection refused: retryable network error naming the port', async () => {
    const port = await closedPort();
    client = new HttpClient(`http://127.0.0.1:${port}`);
    const e = await rejection(client.request({ method: 'GET', path: '/health', timeoutMs: 5000 }));
    expect(e.kind).toBe('network');
    expect(e.retryable).toBe(true);
    expect(e.url).toBe(`http://127.0.0.1:${port}/health`);
    expect(e.message).toContain('connection refused');
    expect(e.message).toContain(`port ${port}`);
  });

  it('a connection dropped without an answer is a retryable network error', async () => {
    const { client } = await setup({ 'GET /drop': { status: 200, destroy: true } });
    const e = await rejection(client.request({ method: 'GET', path: '/drop', timeoutMs: 5000 }));
    expect(e.kind).toBe('network');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/socket hang up|ECONNRESET/);
  });

  it('stops reading past the response size cap', async () => {
    const { client } = await setup({ 'GET /big': { status: 200, bodyText: 'z'.repeat(5000), contentType: 'text/plain' } });
    const e = await rejection(client.request({ method: 'GET', path: '/big', timeoutMs: 5000, maxResponseBytes: 1000 }));
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('1000-byte limit');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const { server, client } = await setup({ 'GET /x': { status: 200, body: {} } });
    await client.request({ method: 'GET', path: '/x', timeoutMs: 5000 });
    await client.request({ method: 'GET', path: '/x', timeoutMs: 5000 });
    const [first, second] = server.requestsTo('GET /x');
    expect(first?.headers.connection).toBe('keep-alive');
    expect(first?.remotePort).toBeDefined();
    expect(second?.remotePort).toBe(first?.remotePort);
  });
});
