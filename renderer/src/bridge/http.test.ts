// A real loopback server stands in for the engine's browser-mode host, so the bridge is tested over real
// fetch streams; renderer/ code itself never imports Node built-ins, only this Node-run test does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UiEvent } from '../../../shared/contract.ts';
import { createHttpApi } from './http.ts';
import { SseParser, backoffMs } from './sse.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHttpApi.call', () => {
  it('POSTs JSON to /rpc/<channel> and returns the JSON value', async () => {
    const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
    const base = await serve((req, res, body) => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ reviewer: 'ana', blindByDefault: true }));
    });
    const api = createHttpApi({ baseUrl: `${base}/` });
    await expect(api.call('settings:set', { reviewer: 'ana' })).resolves.toEqual({ reviewer: 'ana', blindByDefault: true });
    expect(seen).toEqual([{ method: 'POST', url: '/rpc/settings:set', type: 'application/json', body: '{"reviewer":"ana"}' }]);
  });

  it('turns error bodies into ApiErrors with the engine\'s code and message', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'conflict', message: 'run r1 is not running' }));
    });
    await expect(createHttpApi({ baseUrl: base }).call('runs:cancel', { runId: 'r1' })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'conflict',
      message: 'run r1 is not running',
      channel: 'runs:cancel',
    });
  });

  it('says which URL failed when the body is not an error body', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(502);
      res.end('<html>bad gateway</html>');
    });
    await expect(createHttpApi({ baseUrl: base }).call('runs:list', {})).rejects.toMatchObject({
      code: 'failed',
      message: `runs:list: HTTP 502 from ${base}/rpc/runs:list`,
    });
  });

  it('reports an unreachable engine with what to do', async () => {
    const base = await serve(() => {});
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    await expect(createHttpApi({ baseUrl: base }).call('runs:list', {})).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/cannot reach the Omni Review engine at http:\/\/127\.0\.0\.1:\d+ .*omni-review serve/),
    });
  });

  it('builds image and file URLs by id, escaping path parts', () => {
    const api = createHttpApi({ baseUrl: 'http://h:1' });
    expect(api.imageUrl('run 1', 'ab')).toBe('http://h:1/img/run%201/ab');
    expect(api.fileUrl('r1', 'images/a b.png')).toBe('http://h:1/files/r1/images/a%20b.png');
  });
});

describe('createHttpApi.subscribe', () => {
  it('reads SSE events, shares one connection, and reconnects after the server drops it', async () => {
    let connections = 0;
    const base = await serve((req, res) => {
      if (req.url !== '/events') {
        res.writeHead(404);
        res.end();
        return;
      }
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const n = connections;
      const event: UiEvent = { type: 'pairs-changed', runId: `r${n}`, pairKeys: ['a#t1#r1'] };
      // Split across writes and with a keep-alive comment, as proxies do.
      const text = `: hi\n\ndata: ${JSON.stringify(event)}\n\ndata: {not json}\n\ndata: {"type":"unknown"}\n\n`;
      res.write(text.slice(0, 20));
      setTimeout(() => {
        res.write(text.slice(20));
        if (n === 1) res.end(); // drop the first connection: the client must come back
      }, 5);
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const retries: number[] = [];
    const api = createHttpApi({
      baseUrl: base,
      setTimer: (fn, ms) => {
        retries.push(ms);
        const id = setTimeout(fn, 1);
        return () => clearTimeout(id);
      },
    });
    const a: UiEvent[] = [];
    const b: UiEvent[] = [];
    const events = new Promise<void>((resolve) => {
      const offA = api.subscribe((e) => {
        a.push(e);
        if (a.length === 2) {
          offA();
          resolve();
        }
      });
    });
    const offB = api.subscribe((e) => b.push(e));
    await events;
    offB();
    expect(a.map((e) => (e.type === 'pairs-changed' ? e.runId : ''))).toEqual(['r1', 'r2']);
    expect(b.length).toBeGreaterThanOrEqual(2);
    expect(connections).toBe(2);
    expect(retries).toEqual([500]);
    // The malformed payload was dropped with a warning, once per connection; the unknown type silently.
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});

describe('SseParser', () => {
  it('joins data lines, handles CRLF split across chunks, ignores other fields', () => {
    const p = new SseParser();
    expect(p.push('event: x\r\ndata: one\r')).toEqual([]);
    expect(p.push('\ndata: two\r\n\r\n')).toEqual(['one\ntwo']);
    expect(p.push('data:three\n\n\n')).toEqual(['three']);
  });

  it('backs off exponentially with a cap', () => {
    expect([1, 2, 3, 10].map((n) => backoffMs(n))).toEqual([500, 1000, 2000, 10_000]);
  });
});
