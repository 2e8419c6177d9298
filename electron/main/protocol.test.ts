import { mkdtemp, mkdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedFile } from '../../core/app/types.ts';
import { APP_CSP, createProtocolHandler, mimeForPath } from './protocol.ts';
import { imageUrl, runFileUrl } from './urls.ts';

let base: string;
let root: string;
let imagePath: string;
let reportPath: string;
const lookups: string[] = [];

const fakeCore = {
  resolveImage(runId: string, imageId: string): ResolvedFile | null {
    lookups.push(`image ${runId} ${imageId}`);
    return runId === 'run-1' && imageId === 'abc123' ? { path: imagePath, mime: 'image/png' } : null;
  },
  async resolvePreview(runId: string, imageId: string, maxSide: number): Promise<ResolvedFile | null> {
    lookups.push(`preview ${runId} ${imageId} ${maxSide}`);
    return runId === 'run-1' && imageId === 'abc123' && maxSide === 512 ? { path: imagePath, mime: 'image/png' } : null;
  },
  resolveRunFile(runId: string, relPath: string): ResolvedFile | null {
    lookups.push(`file ${runId} ${relPath}`);
    return runId === 'run-1' && relPath === 'report/report.html' ? { path: reportPath, mime: 'text/html; charset=utf-8' } : null;
  },
};

function handler(core: typeof fakeCore | null = fakeCore, log: string[] = []) {
  return createProtocolHandler({ rendererRoot: root, getCore: () => core, fs: { readFile, realpath, stat }, log: (m) => log.push(m) });
}

const get = (url: string) => ({ url, method: 'GET' });

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'omni-protocol-')));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(base, 'secret.txt'), 'top secret');
  await symlink(join(base, 'secret.txt'), join(root, 'leak.txt'));
  imagePath = join(base, 'image.png');
  await writeFile(imagePath, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  reportPath = join(base, 'report.html');
  await writeFile(reportPath, '<h1>report</h1>');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('omni://app (the UI)', () => {
  it('serves index.html for / with the CSP and nosniff headers', async () => {
    const res = await handler()(get('omni://app/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>app</title>');
  });

  it('serves assets with their type', async () => {
    const res = await handler()(get('omni://app/assets/app.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('answers HEAD without a body', async () => {
    const res = await handler()({ url: 'omni://app/index.html', method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String('<!doctype html><title>app</title>'.length));
    expect(await res.text()).toBe('');
  });

  it('refuses other methods', async () => {
    const res = await handler()({ url: 'omni://app/index.html', method: 'POST' });
    expect(res.status).toBe(405);
  });

  it.each([
    'omni://app/..%2fsecret.txt',
    'omni://app/assets/..%5c..%5csecret.txt',
    'omni://app/index.html%00.js',
    'omni://app//etc/passwd',
    'omni://app/C:/Windows/win.ini',
    'omni://app/leak.txt',
  ])('refuses %s and never returns the secret', async (url) => {
    const log: string[] = [];
    const res = await handler(fakeCore, log)(get(url));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('top secret');
    expect(log.join('\n')).toContain('refused');
  });

  it.each(['omni://app/assets/../../secret.txt', 'omni://app/%2e%2e/secret.txt', 'omni://app/%2E%2E/%2E%2E/etc/passwd'])(
    'keeps dot segments the URL parser resolves inside the root (%s)',
    async (url) => {
      // The parser turns ../ and %2e%2e/ into a path at or below / before the handler sees it: the request
      // lands on /secret.txt under the renderer folder, which does not exist.
      const res = await handler()(get(url));
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('top secret');
    },
  );

  it('404s missing files and unknown hosts', async () => {
    expect((await handler()(get('omni://app/missing.js'))).status).toBe(404);
    expect((await handler()(get('omni://evil/index.html'))).status).toBe(404);
    expect((await handler()(get('omni://user@app/index.html'))).status).toBe(404);
    expect((await handler()(get('omni://app:8080/index.html'))).status).toBe(404);
    expect((await handler()(get('not a url'))).status).toBe(404);
  });
});

describe('omni://img and omni://file (through the engine)', () => {
  it('serves an image by run and image id, readable by the app origin', async () => {
    lookups.length = 0;
    const res = await handler()(get(imageUrl('run-1', 'abc123')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('access-control-allow-origin')).toBe('omni://app');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    expect(lookups).toEqual(['image run-1 abc123']);
  });

  it('serves a display-sized copy for ?max=N and refuses a malformed size before asking the engine', async () => {
    lookups.length = 0;
    const res = await handler()(get(`${imageUrl('run-1', 'abc123')}?max=512`));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('omni://app');
    expect((await handler()(get(`${imageUrl('run-1', 'abc123')}?max=300`))).status).toBe(404);
    expect((await handler()(get(`${imageUrl('run-1', 'abc123')}?max=-1`))).status).toBe(400);
    expect((await handler()(get(`${imageUrl('run-1', 'abc123')}?max=1e9`))).status).toBe(400);
    expect(lookups).toEqual(['preview run-1 abc123 512', 'preview run-1 abc123 300']);
  });

  it('404s unknown images and wrong shapes without guessing', async () => {
    lookups.length = 0;
    expect((await handler()(get('omni://img/run-1/nope'))).status).toBe(404);
    expect((await handler()(get('omni://img/run-1'))).status).toBe(404);
    expect((await handler()(get('omni://img/run-1/abc123/extra'))).status).toBe(404);
    expect(lookups).toEqual(['image run-1 nope']);
  });

  it('serves an exported file by run id and relative name', async () => {
    lookups.length = 0;
    const res = await handler()(get(runFileUrl('run-1', 'report/report.html')));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<h1>report</h1>');
    expect(lookups).toEqual(['file run-1 report/report.html']);
  });

  it('refuses traversal in run files before asking the engine', async () => {
    lookups.length = 0;
    for (const url of ['omni://file/run-1/..%2f..%2fsecret.txt', 'omni://file/run-1/a%5c..%5cb', 'omni://file/run-1/x%00', 'omni://file/run-1//x']) {
      expect((await handler()(get(url))).status).toBe(400);
    }
    // Resolved by the URL parser to omni://file/secret.txt: no run id left, so no lookup either.
    expect((await handler()(get('omni://file/%2e%2e/secret.txt'))).status).toBe(404);
    expect(lookups).toEqual([]);
  });

  it('says 503 while the engine is not running', async () => {
    expect((await handler(null)(get(imageUrl('run-1', 'abc123')))).status).toBe(503);
  });

  it('turns an engine exception into a 500 without details', async () => {
    const throwing = { ...fakeCore, resolveImage: () => { throw new Error('db is locked at /home/user/x'); } };
    const log: string[] = [];
    const res = await handler(throwing, log)(get(imageUrl('run-1', 'abc123')));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('/home/user');
    expect(log.join('\n')).toContain('db is locked');
  });

  it('404s when the resolved file vanished', async () => {
    const gone = { ...fakeCore, resolveImage: () => ({ path: join(base, 'gone.png'), mime: 'image/png' }) };
    expect((await handler(gone)(get(imageUrl('run-1', 'abc123')))).status).toBe(404);
  });
});

describe('mimeForPath', () => {
  it('knows the types the UI uses and falls back to octet-stream', () => {
    expect(mimeForPath('a/b.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeForPath('x.webp')).toBe('image/webp');
    expect(mimeForPath('x.woff2')).toBe('font/woff2');
    expect(mimeForPath('README')).toBe('application/octet-stream');
  });
});

describe('APP_CSP', () => {
  it('allows no remote origin and no inline or eval script', () => {
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(APP_CSP).toMatch(/object-src 'none'/);
    expect(APP_CSP).toMatch(/base-uri 'none'/);
    expect(APP_CSP).toMatch(/frame-ancestors 'none'/);
  });
});
