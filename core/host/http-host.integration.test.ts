/**
 * Browser mode's access token over real loopback HTTP (issue 9, finding 1: any local user could drive browser
 * mode with curl, because Host/Origin checks only stop browsers). Every route, every method, answers 401 without
 * this launch's token and says nothing about the file system; with it (cookie, bearer header or ?token=) each
 * route works as before.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreApp } from '../app/index.ts';
import type { CoreApp } from '../app/types.ts';
import { startHttpHost, type HttpHost } from './http-host.ts';
import { cookieName } from './token.ts';

let dir: string;
let core: CoreApp;
let host: HttpHost;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-token-'));
  const ui = join(dir, 'ui');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>ui</title>');
  await writeFile(join(ui, 'assets', 'index-abc.js'), 'console.log(1)');
  const image = join(dir, 'image.png');
  await writeFile(image, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const report = join(dir, 'report.html');
  await writeFile(report, '<!doctype html><title>report</title>');
  const real = await createCoreApp({ workspace: join(dir, 'workspace'), mode: 'browser' });
  // The real engine behind the contract; files resolved to fixed ones so the image and file routes have
  // something to serve without a run.
  core = {
    dispatcher: real.dispatcher,
    subscribe: (l) => real.subscribe(l),
    resolveImage: (runId, id) => (runId === 'r1' && id === 'i1' ? { path: image, mime: 'image/png' } : null),
    resolvePreview: async (runId, id) => (runId === 'r1' && id === 'i1' ? { path: image, mime: 'image/png' } : null),
    resolveRunFile: (runId, rel) => (runId === 'r1' && rel === 'report.html' ? { path: report, mime: 'text/html; charset=utf-8' } : null),
    close: () => real.close(),
  };
  host = await startHttpHost({ app: core, staticDir: ui });
});
afterAll(async () => {
  await host?.close();
  await core?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request, the way curl sends it: no Origin, no Sec-Fetch-*, nothing a browser would add. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(`${host.url.replace(/\/$/, '')}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        // The event stream never ends by itself: its first bytes are enough.
        if (path.startsWith('/events')) res.destroy();
      });
      res.on('close', () => done({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
/** Every route of the host, each with a request that succeeds when the token is carried. */
const ROUTES: Array<{ method: string; path: string; headers?: Record<string, string>; body?: string; ok: number }> = [
  { method: 'GET', path: '/', ok: 200 },
  { method: 'HEAD', path: '/', ok: 200 },
  { method: 'GET', path: '/index.html', ok: 200 },
  { method: 'GET', path: '/some/app/route', ok: 200 },
  { method: 'GET', path: '/assets/index-abc.js', ok: 200 },
  { method: 'POST', path: '/rpc/app:get-info', headers: JSON_TYPE, body: '{}', ok: 200 },
  { method: 'POST', path: '/rpc/suites:check', headers: JSON_TYPE, body: JSON.stringify({ text: 'name: x\ncases: []\n', fileName: 'x.yaml' }), ok: 200 },
  { method: 'GET', path: '/events', ok: 200 },
  { method: 'GET', path: '/img/r1/i1', ok: 200 },
  { method: 'GET', path: '/img/r1/i1?max=512', ok: 200 },
  { method: 'GET', path: '/files/r1/report.html', ok: 200 },
];

describe('browser mode without the access token', () => {
  it('answers 401 on every route and method, with no file-system answers', async () => {
    const extra = [
      ...ROUTES,
      { method: 'POST', path: '/rpc/runs:start', headers: JSON_TYPE, body: '{}', ok: 0 },
      { method: 'POST', path: '/rpc/%zz', headers: JSON_TYPE, body: '{}', ok: 0 },
      { method: 'GET', path: '/img/r1/..%2F..%2Fetc%2Fpasswd', ok: 0 },
      { method: 'GET', path: '/files/r1/%2e%2e/run.sqlite', ok: 0 },
      { method: 'PUT', path: '/', ok: 0 },
      { method: 'DELETE', path: '/rpc/app:get-info', ok: 0 },
    ];
    const wrong = 'A'.repeat(43);
    for (const r of extra) {
      const auths: Array<Record<string, string>> = [{}, { cookie: `${cookieName(host.port)}=${wrong}` }, { authorization: `Bearer ${wrong}` }, { authorization: `Bearer ${host.token.slice(0, -1)}` }];
      for (const auth of auths) {
        const answer = await raw(r.method, r.path, { ...r.headers, ...auth }, r.body);
        expect(answer.status, `${r.method} ${r.path} ${JSON.stringify(auth)}`).toBe(401);
        expect(answer.headers['set-cookie']).toBeUndefined();
        expect(answer.body).not.toMatch(/\/tmp|\/etc|passwd|omni-token|workspace|sqlite/);
      }
      const sep = r.path.includes('?') ? '&' : '?';
      expect((await raw(r.method, `${r.path}${sep}token=${wrong}`, r.headers, r.body)).status, `${r.path} wrong ?token`).toBe(401);
      // Another launch's cookie name (another port) does not count.
      expect((await raw(r.method, r.path, { ...r.headers, cookie: `${cookieName(host.port + 1)}=${host.token}` }, r.body)).status).toBe(401);
    }
  });
});

describe('browser mode with the access token', () => {
  it('works on every route with the bearer header, the cookie or ?token=', async () => {
    for (const r of ROUTES) {
      const viaHeader = await raw(r.method, r.path, { ...r.headers, authorization: `Bearer ${host.token}` }, r.body);
      expect(viaHeader.status, `${r.method} ${r.path} (bearer)`).toBe(r.ok);
      const viaCookie = await raw(r.method, r.path, { ...r.headers, cookie: `other=1; ${cookieName(host.port)}=${host.token}` }, r.body);
      expect(viaCookie.status, `${r.method} ${r.path} (cookie)`).toBe(r.ok);
    }
    const info = await raw('POST', `/rpc/app:get-info?token=${host.token}`, JSON_TYPE, '{}');
    expect([info.status, JSON.parse(info.body).mode]).toEqual([200, 'browser']);
    const image = await raw('GET', `/img/r1/i1?token=${host.token}`);
    expect([image.status, image.headers['content-type']]).toEqual([200, 'image/png']);
  });

  it('swaps the printed ?token= for an HttpOnly cookie and sends the page back to the address without it', async () => {
    expect(host.openUrl).toBe(`${host.url}?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    const first = await raw('GET', `/?bridge=memory&token=${host.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/?bridge=memory');
    expect(first.headers['set-cookie']).toEqual([`${cookieName(host.port)}=${host.token}; Path=/; HttpOnly; SameSite=Lax`]);
    const page = await raw('GET', '/?bridge=memory', { cookie: String(first.headers['set-cookie']).split(';')[0]! });
    expect([page.status, page.body]).toEqual([200, '<!doctype html><title>ui</title>']);
  });

  it('keeps the Host and Origin checks behind the token', async () => {
    const auth = { authorization: `Bearer ${host.token}` };
    expect((await raw('GET', '/', { ...auth, host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await raw('POST', '/rpc/app:get-info', { ...auth, ...JSON_TYPE, origin: 'https://evil.example' }, '{}')).status).toBe(403);
  });

  it('answers a malformed percent-escape with 400, not 500 (finding 7)', async () => {
    const auth = { authorization: `Bearer ${host.token}` };
    const rpc = await raw('POST', '/rpc/%zz', { ...auth, ...JSON_TYPE }, '{}');
    expect(rpc.status).toBe(400);
    expect(JSON.parse(rpc.body)).toMatchObject({ code: 'bad-request' });
    expect((await raw('GET', '/img/%zz/i1', auth)).status).toBe(400);
    expect((await raw('GET', '/files/r1/%zz', auth)).status).toBe(400);
  });
});

describe('suites:check over browser mode (finding 1)', () => {
  const check = async (input: string) => {
    const text = `name: probe\ncases:\n  - id: c1\n    category: edit\n    input: ${input}\n    prompt: make it blue\n`;
    const res = await raw('POST', '/rpc/suites:check', { ...JSON_TYPE, authorization: `Bearer ${host.token}` }, JSON.stringify({ text, fileName: 'probe.yaml' }));
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as { ok: boolean; error?: string };
  };

  it('never suggests or confirms files outside the workspace and the suite folders', async () => {
    const answer = await check('/etc/passw');
    expect(answer.ok).toBe(false);
    expect(answer.error).toContain('file not found: /etc/passw');
    expect(answer.error).not.toMatch(/Did you mean|passwd|looked in/);
    const missingDir = await check('/etc/nonexistent-dir/x.png');
    expect(missingDir.error).not.toMatch(/does not exist|looked in/);
  });

  it('still suggests a near miss inside the workspace', async () => {
    const suites = join(dir, 'workspace', 'suites');
    await mkdir(suites, { recursive: true });
    await writeFile(join(suites, 'coffee.png'), 'x');
    const answer = await check('cofee.png');
    expect(answer.error).toMatch(/Did you mean coffee\.png\?/);
  });
});
