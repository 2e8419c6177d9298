/**
 * The engine behind the UI, through the contract: runs started, cancelled and resumed, push events, pairs,
 * verdicts with undo, exports, runs made by the CLI opened, and the browser-mode HTTP host on top.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PairView, RunSummary, UiEvent } from '../../shared/contract.ts';
import { main } from '../cli/main.ts';
import { startHttpHost, type HttpHost } from '../host/http-host.ts';
import { createCoreApp, type CoreApp } from './index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TINY = join(ROOT, 'fixtures', 'suites', 'testdata', 'tiny.yaml');

let workspace: string;
let app: CoreApp;
let events: UiEvent[];

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'omni-app-'));
  app = await createCoreApp({ workspace, mode: 'memory', simTimeScale: 0.002, suiteDirs: [join(ROOT, 'fixtures', 'suites')], eventIntervalMs: 20 });
  events = [];
  app.subscribe((e) => events.push(e));
});
afterEach(async () => {
  await app.close();
  await rm(workspace, { recursive: true, force: true });
});

const call = (channel: string, request: unknown = {}) => app.dispatcher.dispatch(channel, request);

async function waitForState(runId: string, states: RunSummary['state'][], timeoutMs = 240_000): Promise<RunSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await call('runs:get', { runId })) as RunSummary;
    if (states.includes(run.state)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} stayed ${run.state}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sim = (kind: 'vllm-omni' | 'diffusers', extra: Record<string, unknown> = {}) => ({ target: 'sim', kind, ...extra });

describe('runs through the contract', () => {
  it('starts a bundled suite, pushes progress, and shows pairs with image ids that resolve', async () => {
    const suites = (await call('suites:list')) as Array<{ path: string; cases: number }>;
    expect(suites.map((s) => s.path)).toEqual(expect.arrayContaining(['fixtures/suites/demo.yaml', 'fixtures/suites/smoke.yaml']));
    const started = (await call('runs:start', { suite: { source: 'path', path: 'fixtures/suites/smoke.yaml' }, A: sim('vllm-omni'), B: sim('diffusers'), params: {} })) as RunSummary;
    expect(['starting', 'running']).toContain(started.state);
    const done = await waitForState(started.id, ['complete']);
    expect(done.progress.A).toMatchObject({ total: 5, done: 5, ok: 5, error: 0 });
    expect(done.backends.A).toMatchObject({ kind: 'vllm-omni', simulated: true, path: 'current via /v1/images/edits' });
    expect(events.some((e) => e.type === 'run-updated' && e.run.id === started.id && e.run.state === 'complete')).toBe(true);
    expect(events.some((e) => e.type === 'pairs-changed' && e.runId === started.id)).toBe(true);

    const pairs = (await call('pairs:list', { runId: started.id })) as PairView[];
    expect(pairs).toHaveLength(5);
    const chain = pairs.filter((p) => p.caseId === 'smoke-chain');
    expect(chain.map((p) => p.turn)).toEqual([1, 2]);
    // Turn 2 of each side edited that side's own turn-1 output; blind sides are fixed per chain.
    expect(chain[1]!.A.sourceId).toBe(chain[0]!.A.imageId);
    expect(chain[1]!.B.sourceId).toBe(chain[0]!.B.imageId);
    expect(chain[1]!.blindSwap).toBe(chain[0]!.blindSwap);
    for (const p of pairs) {
      const image = app.resolveImage(started.id, p.A.imageId!);
      expect(image?.mime).toBe('image/png');
      expect(existsSync(image!.path)).toBe(true);
      expect(app.resolveImage(started.id, p.diff!.heatmapId!)).not.toBeNull();
    }
    // Display-sized copies: lossless, longest side as asked, made once; the original when already that small.
    const output = pairs[0]!.A.imageId!; // 512x512
    expect((await app.resolvePreview(started.id, output, 512))!.path).toBe(app.resolveImage(started.id, output)!.path);
    const input = pairs.find((p) => p.caseId === 'smoke-en-sign')!.A.sourceId!; // the 600x400 photo
    const preview = (await app.resolvePreview(started.id, input, 512))!;
    expect(preview.path).toMatch(/previews[\\/]512[\\/][0-9a-f]{64}\.png$/);
    const meta = await sharp(preview.path).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 341]);
    expect((await app.resolvePreview(started.id, input, 512))!.path).toBe(preview.path);
    expect(await app.resolvePreview(started.id, input, 300)).toBeNull(); // not one of the sizes
    expect(await app.resolvePreview(started.id, '0'.repeat(64), 512)).toBeNull();

    // Nothing but content ids resolves.
    expect(app.resolveImage(started.id, '../run.sqlite')).toBeNull();
    expect(app.resolveImage('no-such-run', pairs[0]!.A.imageId!)).toBeNull();
    expect(app.resolveRunFile(started.id, 'run.sqlite')).toBeNull();
    expect(app.resolveRunFile(started.id, '../../etc/passwd')).toBeNull();
  });

  it('cancels a running run, leaves it resumable, and resumes it to complete', async () => {
    const started = (await call('runs:start', {
      suite: { source: 'path', path: 'fixtures/suites/smoke.yaml' },
      A: sim('vllm-omni', { concurrency: 1 }),
      B: sim('diffusers', { concurrency: 1 }),
      params: { steps: 50 },
    })) as RunSummary;
    await waitForState(started.id, ['running']);
    // The answer comes once the run has stopped: nothing is running and the rest is left pending.
    const after = (await call('runs:cancel', { runId: started.id })) as RunSummary;
    expect(after.state).toBe('cancelled');
    expect(after.progress.A.running + after.progress.B.running).toBe(0);
    expect(after.progress.A.done).toBeLessThan(after.progress.A.total);
    await expect(call('runs:cancel', { runId: started.id })).rejects.toMatchObject({ code: 'conflict' });

    await call('runs:resume', { runId: started.id });
    const done = await waitForState(started.id, ['complete']);
    expect(done.progress.B).toMatchObject({ done: 5, ok: 5 });
  });

  it('checks a dropped suite before starting, and starts it', async () => {
    const bad = (await call('suites:check', { text: 'name: x\ncases:\n  - id: a\n    category: poster\n', fileName: 'dropped.yaml' })) as { ok: boolean; error?: string };
    expect(bad.ok).toBe(false);
    // Every problem is listed, one per line, each with file:line:col and the field.
    expect(bad.error).toMatch(/^dropped\.yaml:4:\d+: cases\[0\]\.category: .*text-rendering/m);
    const text = `name: dropped\ncases:\n  - id: g\n    category: generation\n    prompt: A poster that says "HI"\n    params: { size: 256x256, steps: 2 }\n`;
    expect(await call('suites:check', { text, fileName: 'dropped.yaml' })).toMatchObject({ ok: true, suite: { name: 'dropped', cases: 1 } });
    const started = (await call('runs:start', { suite: { source: 'text', text, fileName: 'dropped.yaml' }, A: sim('vllm-omni'), B: sim('diffusers'), params: {} })) as RunSummary;
    expect((await waitForState(started.id, ['complete'])).pairs).toBe(1);
  });

  it('refuses bad requests with a field-level message', async () => {
    await expect(call('runs:start', { suite: { source: 'path', path: 'nope.yaml' }, A: sim('vllm-omni'), B: sim('diffusers'), params: {} })).rejects.toMatchObject({ code: 'not-found' });
    await expect(call('runs:start', { suite: { source: 'path', path: 'fixtures/suites/smoke.yaml' }, A: { target: 'ftp://x', kind: 'vllm-omni' }, B: sim('diffusers'), params: {} })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/A: only http:\/\/ and https:\/\//),
    });
    await expect(call('runs:start', { suite: { source: 'path' } })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/^runs:start: suite/) });
    await expect(call('no:such-channel')).rejects.toMatchObject({ code: 'unknown-channel' });
  });
});

describe('review through the contract', () => {
  async function finishedRun(): Promise<{ runId: string; pairs: PairView[] }> {
    const started = (await call('runs:start', { suite: { source: 'path', path: 'fixtures/suites/smoke.yaml' }, A: sim('vllm-omni'), B: sim('diffusers'), params: {} })) as RunSummary;
    await waitForState(started.id, ['complete']);
    return { runId: started.id, pairs: (await call('pairs:list', { runId: started.id })) as PairView[] };
  }

  it('needs a reviewer name, stores verdicts with it, undoes them, and exports them', async () => {
    const { runId, pairs } = await finishedRun();
    const key = pairs[0]!.key;
    const verdict = { runId, pairKey: key, verdict: 'A_better', tags: ['text.misspelled'], note: 'B wrote OPNE', blind: true, swapped: pairs[0]!.blindSwap, durationMs: 1234 };
    await expect(call('verdicts:set', verdict)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/reviewer name/) });
    expect(await call('settings:set', { reviewer: '  ana ' })).toMatchObject({ reviewer: 'ana' });
    const saved = (await call('verdicts:set', verdict)) as { id: string; reviewer: string };
    expect(saved).toMatchObject({ reviewer: 'ana', verdict: 'A_better', tags: ['text.misspelled'] });
    await expect(call('verdicts:set', { ...verdict, pairKey: 'nope#t1#r1' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(call('verdicts:set', { ...verdict, tags: ['not a tag'] })).rejects.toMatchObject({ code: 'bad-request' });

    let listed = (await call('pairs:list', { runId })) as PairView[];
    expect(listed.find((p) => p.key === key)!.verdicts).toHaveLength(1);
    expect(((await call('runs:get', { runId })) as RunSummary).reviewed).toBe(1);

    const exported = (await call('runs:export', { runId, format: 'csv' })) as { file: string; path: string };
    expect(exported.file).toBe('report.csv');
    expect(await readFile(exported.path, 'utf8')).toContain('B wrote OPNE');
    const html = (await call('runs:export', { runId, format: 'html' })) as { file: string };
    expect(app.resolveRunFile(runId, html.file)?.mime).toMatch(/^text\/html/);

    expect(await call('verdicts:undo', { runId, verdictId: saved.id })).toEqual({ ok: true });
    await expect(call('verdicts:undo', { runId, verdictId: saved.id })).rejects.toMatchObject({ code: 'not-found' });
    listed = (await call('pairs:list', { runId })) as PairView[];
    expect(listed.find((p) => p.key === key)!.verdicts).toHaveLength(0);
  });

  it('lists runs made by the CLI in the workspace, and opens run folders from elsewhere', async () => {
    const elsewhere = join(workspace, '..', `${workspace.split('/').pop()}-cli-run`);
    const io = { stdout: { write: () => true, isTTY: false }, stderr: { write: () => true, isTTY: false } } as unknown as Parameters<typeof main>[1];
    try {
      expect(await main(['run', '--suite', TINY, '--out', elsewhere, '--sim-time-scale', '0.002'], io)).toBe(0);
      expect(await main(['run', '--suite', TINY, '--out', join(workspace, 'runs', 'cli-made'), '--sim-time-scale', '0.002'], io)).toBe(0);
      const listed = (await call('runs:list')) as RunSummary[];
      expect(listed.map((r) => r.dir)).toContain(join(workspace, 'runs', 'cli-made'));
      await expect(call('runs:open', { dir: workspace })).rejects.toMatchObject({ code: 'not-found' });
      const opened = (await call('runs:open', { dir: elsewhere })) as RunSummary;
      expect(opened).toMatchObject({ dir: elsewhere, state: 'complete', pairs: 2 });
      // Remembered across restarts of the app.
      await app.close();
      app = await createCoreApp({ workspace, mode: 'memory' });
      expect(((await call('runs:list')) as RunSummary[]).map((r) => r.dir)).toContain(elsewhere);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('browser-mode HTTP host', () => {
  let host: HttpHost;
  afterEach(async () => host?.close());
  /** fetch with this launch's access token (core/host/http-host.integration.test.ts covers requests without it). */
  const authed = (url: string, init: RequestInit = {}) =>
    fetch(url, { ...init, headers: { authorization: `Bearer ${host.token}`, ...(init.headers as Record<string, string> | undefined) } });

  it('serves the contract, events and images, and refuses foreign origins and hosts', async () => {
    host = await startHttpHost({ app, staticDir: join(workspace, 'no-ui-here') });
    const rpc = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
      authed(`${host.url}rpc/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    const info = await rpc('app:get-info', {});
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ mode: 'memory', workspace });
    const bad = await rpc('runs:get', { runId: 'nope' });
    expect(bad.status).toBe(404);
    expect(await bad.json()).toEqual({ code: 'not-found', message: expect.stringContaining('unknown run') });
    expect((await rpc('runs:list', { extra: 1 })).status).toBe(400);
    expect((await rpc('runs:list', {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await authed(`${host.url}rpc/runs:list`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await authed(`${host.url}rpc/runs:list`)).status).toBe(405);

    // Events: a settings change is not an event, but a started run is.
    const controller = new AbortController();
    const stream = await authed(`${host.url}events`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    const started = (await (await rpc('runs:start', { suite: { source: 'path', path: 'fixtures/suites/smoke.yaml' }, A: sim('vllm-omni'), B: sim('diffusers'), params: {} })).json()) as RunSummary;
    let text = '';
    while (!text.includes(`"id":"${started.id}"`)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await waitForState(started.id, ['complete']);

    const pairs = (await (await rpc('pairs:list', { runId: started.id })).json()) as PairView[];
    const img = await authed(`${host.url}img/${started.id}/${pairs[0]!.A.imageId}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('cache-control')).toMatch(/immutable/);
    expect((await authed(`${host.url}img/${started.id}/..%2Frun.sqlite`)).status).toBe(404);
    // A display-sized copy of a larger image (the suite's 600x400 input): longest side 512, PNG.
    const source = pairs.find((p) => p.caseId === 'smoke-en-sign')!.A.sourceId!;
    const copy = await authed(`${host.url}img/${started.id}/${source}?max=512`);
    expect(copy.status).toBe(200);
    const copyMeta = await sharp(Buffer.from(await copy.arrayBuffer())).metadata();
    expect([copyMeta.format, copyMeta.width, copyMeta.height]).toEqual(['png', 512, 341]);
    expect((await authed(`${host.url}img/${started.id}/${source}?max=700`)).status).toBe(404);
    expect((await authed(`${host.url}img/${started.id}/${source}?max=big`)).status).toBe(400);
    expect((await authed(`${host.url}files/${started.id}/run.sqlite`)).status).toBe(404);

    // DNS rebinding: our port under a foreign name is refused.
    const { request } = await import('node:http');
    const status = await new Promise<number>((done) => {
      request(host.url, { headers: { host: `evil.example:${host.port}`, authorization: `Bearer ${host.token}` } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      }).end();
    });
    expect(status).toBe(421);
  });

  it('serves the built UI with real types: the page with its CSP, hashed assets (the CJK font too) cached for good', async () => {
    const ui = join(workspace, 'ui-build');
    await mkdir(join(ui, 'assets'), { recursive: true });
    await writeFile(join(ui, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(ui, 'assets', 'index-abc.css'), 'body{}');
    await writeFile(join(ui, 'assets', 'DroidSansFallbackFull-abc.ttf'), Buffer.from([0, 1, 0, 0]));
    host = await startHttpHost({ app, staticDir: ui });
    const page = await authed(host.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const font = await authed(`${host.url}assets/DroidSansFallbackFull-abc.ttf`);
    expect([font.status, font.headers.get('content-type'), font.headers.get('cache-control')]).toEqual([200, 'font/ttf', 'public, max-age=31536000, immutable']);
    expect((await authed(`${host.url}assets/index-abc.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await authed(`${host.url}assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});
