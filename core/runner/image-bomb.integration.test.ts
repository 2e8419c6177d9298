/**
 * Finding 2 of issue 9, end to end: a server answers a 1024x1024 edit with a 31 KB PNG that declares 16000x16000
 * pixels. The job must end as an error (`invalid-image`, saying what the header declares), never `ok`, and the whole
 * CLI process must stay small. The process runs as a child so its own peak RSS can be read (getrusage); the wall
 * time is printed for the notes, not asserted.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../shared/report.ts';
import { recordedRoutes, startReplayServer, type ReplayReply } from '../backends/testing/replay-server.ts';
import { pngBomb } from '../store/png-bomb.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'core', 'cli', 'main.ts');
const MB = 1024 * 1024;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-bomb-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Measured {
  code: number;
  maxRssBytes: number;
  wallMs: number;
  stderr: string;
}

/** `omni-review <args>` in a child Node that reports its exit code, peak RSS and wall time on its last stderr line. */
function measuredCli(args: string[]): Promise<Measured> {
  const script = `
    const t0 = performance.now();
    const { main } = await import(${JSON.stringify(MAIN)});
    const code = await main(${JSON.stringify(args)});
    process.stderr.write('\\nMEASURED ' + JSON.stringify({ code, maxRssBytes: process.resourceUsage().maxRSS * 1024, wallMs: performance.now() - t0 }) + '\\n');
    process.exit(0);`;
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, OMNI_REVIEW_WORKSPACE: join(work, 'ws') } });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.stdout.resume();
    p.on('error', fail);
    p.on('exit', () => {
      const line = /MEASURED (.*)/.exec(stderr);
      if (!line) return fail(new Error(`the child did not report its figures:\n${stderr}`));
      done({ ...(JSON.parse(line[1] ?? '') as Omit<Measured, 'stderr'>), stderr });
    });
  });
}

it('refuses a 16000x16000 PNG bomb returned for a 1024x1024 request as a job error, in a small process', async () => {
  const bomb = pngBomb(16000, 16000);
  expect(bomb.length).toBeLessThan(40_000);
  const reply: ReplayReply = {
    status: 200,
    body: { created: 1767225600, data: [{ b64_json: bomb.toString('base64'), url: null, revised_prompt: null }] },
  };
  const replay = await startReplayServer({
    routes: { ...recordedRoutes('vllm-omni/current'), 'POST /v1/images/edits': reply, 'POST /v1/images/generations': reply },
  });
  try {
    const out = join(work, 'run');
    const suite = join(ROOT, 'fixtures', 'suites', 'testdata', 'tiny.yaml');
    const r = await measuredCli(['run', '--suite', suite, '--out', out, '--a', replay.url, '--size', '1024x1024', '--quiet', '--sim-time-scale', '0.002']);
    expect(r.code, r.stderr).toBe(1); // done, some jobs failed
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    expect(report.pairs.length).toBe(2);
    for (const pair of report.pairs) {
      expect(pair.A.status).toBe('error');
      expect(pair.A.error?.kind).toBe('invalid-image');
      expect(pair.A.error?.message).toMatch(/header says 16000x16000 \(256\.0 MP\) for a 1024x1024 request/);
      expect(pair.B.status).toBe('ok');
    }
    // Decoding it would take 256 MP (3.4 GB and minutes in the old code); the whole run stays far below.
    expect(r.maxRssBytes).toBeLessThan(600 * MB);
    console.log(`image bomb: peak RSS ${(r.maxRssBytes / MB).toFixed(0)} MB, whole run ${(r.wallMs / 1000).toFixed(2)} s`);
  } finally {
    await replay.close();
  }
});
