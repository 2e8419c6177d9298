/**
 * Acceptance tests of the headless review run (issue 2) and of vLLM-Omni conformance at the CLI level
 * (issue 3), over real loopback HTTP: the simulators, a replay server standing in for a vLLM-Omni that is not
 * ours, and child processes where the point is the process itself (exit codes, stderr, kill -9).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report.ts';
import { startSimServer } from '../backends/sim/index.ts';
import { loadRecorded, recordedRoutes, startReplayServer } from '../backends/testing/replay-server.ts';
import { reportProblems } from '../../scripts/check-report.ts';
import { runCliChild, runCliInProcess, type CliChildResult } from './testing.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITES = join(ROOT, 'fixtures', 'suites');
const FAST = ['--sim-time-scale', '0.002'];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});


const cli = runCliInProcess;

function child(args: string[], options: { onSpawn?: (pid: number) => void; onStdout?: (textSoFar: string) => void } = {}): Promise<CliChildResult> {
  return runCliChild(args, { workspace: join(work, 'ws'), ...options });
}

async function readReport(dir: string): Promise<Report> {
  return JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Report;
}

describe('omni-review run on the simulators', () => {
  it('writes a complete report: every pair ok on both sides, stage timings, diff metrics (exit 0)', async () => {
    const out = join(work, 'smoke');
    const r = await cli('run', '--suite', join(SUITES, 'smoke.yaml'), '--out', out, ...FAST);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = await readReport(out);
    expect(reportProblems(report, out)).toEqual([]);
    expect(report.schemaVersion).toBe(1);
    expect(report.run.backends.A).toMatchObject({ kind: 'vllm-omni', simulated: true });
    expect(report.run.backends.B).toMatchObject({ kind: 'diffusers', simulated: true });
    expect(report.pairs).toHaveLength(5); // 3 single-turn cases + a 2-turn chain
    for (const pair of report.pairs) {
      expect(pair).toMatchObject({ caseId: expect.any(String), turn: expect.any(Number), category: expect.any(String), prompt: expect.any(String) });
      expect(Array.isArray(pair.expectedText)).toBe(true);
      for (const side of ['A', 'B'] as const) {
        expect(pair[side]).toMatchObject({ status: 'ok', error: null, image: expect.stringMatching(/^images\//), width: 512, height: 512 });
        expect(pair[side].timings.e2eMs).toBeGreaterThan(0);
        expect(pair[side].peakMemoryMb).toBeGreaterThan(0);
      }
      // Each side's stages under canonical names, from stage_durations on both sides; B's finer timings are detail.
      expect(Object.keys(pair.A.timings.stages)).toEqual(expect.arrayContaining(['text_encode', 'denoise', 'vae_decode', 'upload', 'download']));
      expect(Object.keys(pair.B.timings.stages)).toEqual(expect.arrayContaining(['text_encode', 'vae_encode', 'denoise', 'vae_decode']));
      expect(pair.B.timings.stages).not.toHaveProperty('queue');
      expect(pair.B.timings.serverTimings).toHaveProperty('decode_request');
      expect(pair.diff).toMatchObject({ pixels: expect.any(Number), ratio: expect.any(Number), heatmap: expect.stringMatching(/^images\//), ssim: expect.any(Number) });
    }
    expect(report.pairs.find((p) => p.caseId === 'smoke-en-sign')!.expectedText).toEqual(['OPEN']);
    // OCR is on by default (issue 11): both outputs of a pair with expected text were read and scored.
    const sign = report.pairs.find((p) => p.caseId === 'smoke-en-sign')!;
    for (const side of ['A', 'B'] as const) expect(sign[side].text).toMatchObject({ expected: 'OPEN', lines: expect.any(Array), pass: expect.any(Boolean) });
    expect(report.summary.text?.A.all.n).toBeGreaterThan(0);
    // The reports beside it.
    for (const f of ['report.html', 'report.csv', 'junit.xml', 'run.sqlite']) expect(existsSync(join(out, f)), f).toBe(true);
    // The closing lines: one unit rule, a ratio with "faster" or "slower", and last the headline.
    const lines = r.stdout.trim().split('\n');
    const last = lines.at(-1)!;
    expect(last).toMatch(/^headline: (A is \d+\.\d+× (faster|slower) end to end|A looks \d+\.\d+× (faster|slower) end to end|A and B are about as fast end to end) \(p50 [\d,.]+ m?s vs [\d,.]+ m?s/);
    expect(last).toContain('No verdicts yet.');
    const speed = lines.find((l) => l.startsWith('speed-up, mean e2e: '))!;
    expect(speed).toMatch(/^speed-up, mean e2e: A [\d,.]+ m?s vs B [\d,.]+ m?s: (A \d+(\.\d+)?× (faster|\(slower\))|same speed) \([−+±][\d,.]+ m?s\)/);
    expect(speed).toMatch(/compared server stages \(text_encode, .*\): A \d+(\.\d+)?× (faster|\(slower\))/);
    // No four-decimal seconds anywhere (the unit rule: ms below 10 s, s above, 2–3 significant figures).
    expect(r.stdout).not.toMatch(/\d\.\d{4} s/);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    expect(r.stdout).toMatch(/SIMULATED/);
  });

  it('marks pairs whose backend returns garbage as errors with the reason, and finishes the run (exit 1)', async () => {
    const out = join(work, 'garbage');
    const r = await cli('run', '--suite', join(SUITES, 'testdata', 'tiny.yaml'), '--out', out, '--a-faults', 'malformed-json=1', '--ocr', 'off', ...FAST);
    expect(r.code).toBe(1);
    const report = await readReport(out);
    // --ocr off: nothing read, no text-rendering summary.
    expect(report.pairs.every((p) => p.A.text === undefined && p.B.text === undefined)).toBe(true);
    expect(report.summary.text).toBeUndefined();
    expect(report.run.status).toBe('complete');
    for (const pair of report.pairs) {
      expect(pair.A.status).toBe('error');
      expect(pair.A.error).toMatchObject({ kind: 'protocol', retryable: false });
      expect(pair.A.error!.message).toMatch(/JSON/i);
      expect(pair.B.status).toBe('ok');
      expect(pair.diff).toBeNull();
    }
    expect(report.summary.errors).toEqual({ A: report.pairs.length, B: 0 });
    expect(r.stdout).toMatch(/✗ A tiny-edit turn 1: /);
  });

  it('retries 5xx answers and records the error after the last attempt', async () => {
    const out = join(work, 'errors-5xx');
    const r = await cli('run', '--suite', join(SUITES, 'testdata', 'tiny.yaml'), '--out', out, '--b-faults', '5xx=1', '--retries', '1', ...FAST);
    expect(r.code).toBe(1);
    const report = await readReport(out);
    for (const pair of report.pairs) {
      expect(pair.B).toMatchObject({ status: 'error', attempts: 2 });
      expect(pair.B.error).toMatchObject({ kind: 'http', httpStatus: 503, retryable: true });
      expect(pair.A.status).toBe('ok');
    }
  });

  it('escapes HTML from prompts and titles in report.html', async () => {
    const out = join(work, 'hostile');
    const r = await cli('run', '--suite', join(SUITES, 'testdata', 'hostile.yaml'), '--out', out, ...FAST);
    expect(r.code).toBe(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x onerror=alert(1)>');
    expect(html).toContain('&lt;script&gt;alert(');
    expect(html).not.toContain("<script>alert('title')</script>");
  });

  it('re-renders reports from report.json and rebuilds them from a run folder; --json prints one object', async () => {
    const out = join(work, 'json');
    const r = await cli('run', '--suite', join(SUITES, 'testdata', 'tiny.yaml'), '--out', out, '--json', ...FAST);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { runId: string; status: string; exitCode: number; files: Record<string, string> };
    expect(summary).toMatchObject({ status: 'complete', exitCode: 0 });
    expect(summary.files.html).toBe(join(out, 'report.html'));
    await rm(join(out, 'report.html'));
    const fromJson = await cli('report', join(out, 'report.json'), '--format', 'html');
    expect(fromJson.code).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const fromRun = await cli('report', out);
    expect(fromRun.code).toBe(0);
    expect(fromRun.stdout).toMatch(/json: .*report\.json/);
  });
});

describe('against servers that are not our simulators', () => {
  it('records a vLLM-Omni server’s stage_durations under the canonical names', async () => {
    const generation = loadRecorded('vllm-omni/current', 'generations');
    const replay = await startReplayServer({
      routes: { ...recordedRoutes('vllm-omni/current'), 'POST /v1/images/edits': generation, 'POST /v1/images/generations': generation },
    });
    try {
      const out = join(work, 'replay');
      const r = await cli('run', '--suite', join(SUITES, 'testdata', 'tiny.yaml'), '--out', out, '--a', replay.url, ...FAST);
      expect(r.code).toBe(0);
      const report = await readReport(out);
      expect(report.run.backends.A).toMatchObject({ kind: 'vllm-omni', simulated: false, url: replay.url.replace(/\/$/, '') });
      for (const pair of report.pairs) {
        const a = pair.A.timings;
        // Recorded seconds: text_encoder.forward 0.12, diffuse 2.17, vae.decode 0.09 (QwenImagePipeline.*).
        expect(a.stages.text_encode).toBeCloseTo(120, 6);
        expect(a.stages.denoise).toBeCloseTo(2170, 6);
        expect(a.stages.vae_decode).toBeCloseTo(90, 6);
        expect(a.stages['QwenImagePipeline.tokenizer.forward']).toBeCloseTo(4, 6); // unknown keys verbatim
        expect(a.stages).not.toHaveProperty('QwenImagePipeline.forward'); // a total, not a stage
        expect(a.serverStageDurations).toMatchObject({ 'QwenImagePipeline.diffuse': 2.17, 'QwenImagePipeline.forward': 2.41 });
        expect(pair.A.peakMemoryMb).toBe(58123.4);
        // Its 8x8 image is not the requested 256x256: reported, not crashed on.
        expect(pair.diff?.sizeMismatch).toEqual({ first: '8x8', second: '256x256' });
      }
      // Every request carried an explicit size and a seed.
      const posts = replay.requests.filter((q) => q.method === 'POST');
      expect(posts.length).toBe(report.pairs.length);
      for (const req of posts) {
        if (req.fields) expect(req.fields).toMatchObject({ size: ['256x256'], seed: ['42'] });
        else expect(req.json).toMatchObject({ size: '256x256', seed: 42 });
      }
    } finally {
      await replay.close();
    }
  });

  it('runs against a 0.12-era vLLM-Omni through chat completions and says so in the report', async () => {
    const legacy = await startSimServer({ kind: 'vllm-omni', generation: 'legacy', timeScale: 0.002 });
    try {
      const out = join(work, 'legacy');
      const r = await cli('run', '--suite', join(SUITES, 'smoke.yaml'), '--out', out, '--a', legacy.url, ...FAST);
      expect(r.code).toBe(0);
      const report = await readReport(out);
      expect(reportProblems(report, out)).toEqual([]);
      expect(report.run.backends.A.server).toMatchObject({ generation: 'legacy', editPath: '/v1/chat/completions', generatePath: '/v1/chat/completions' });
      for (const pair of report.pairs) expect(pair.A.endpoint).toBe('POST /v1/chat/completions');
      expect(legacy.stats().requests['POST /v1/chat/completions']).toBe(report.pairs.length);
      expect(legacy.stats().requests['POST /v1/images/edits'] ?? 0).toBe(0);
      const html = await readFile(join(out, 'report.html'), 'utf8');
      expect(html).toContain('/v1/chat/completions');
      expect(r.stdout).toMatch(/A: .*legacy server.*edits via \/v1\/chat\/completions/);
    } finally {
      await legacy.close();
    }
  });

  it('exits 3 with a resumable folder when a server cannot be reached', async () => {
    const out = join(work, 'unreachable');
    const r = await cli('run', '--suite', join(SUITES, 'testdata', 'tiny.yaml'), '--out', out, '--a', 'http://127.0.0.1:9', '--health-timeout', '1', ...FAST);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not connect/);
    expect(r.stderr).toMatch(/--resume/);
    expect(existsSync(join(out, 'run.sqlite'))).toBe(true);
  });
});

describe('bad input: one line naming the file and line or field, exit 2, no stack trace', () => {
  const oneLine = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '');

  it.each([
    ['a malformed suite', 'broken-syntax.yaml', /broken-syntax\.yaml:6:\d+: /],
    ['a missing input image', 'missing-input.yaml', /missing-input\.yaml:5:\d+: cases\[0\]\.input: file not found/],
  ])('%s', async (_what, file, pattern) => {
    const r = await child(['run', '--suite', join('fixtures/suites/testdata', file), '--out', join(work, `bad-${file}`)]);
    expect(r.code).toBe(2);
    const lines = oneLine(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(work, `bad-${file}`))).toBe(false);
  });

  it.each([
    [['--size', '1000x1000'], /--size: .*multiple of 16/],
    [['--a', 'ftp://gpu:21'], /--a: only http:\/\/ and https:\/\//],
    [['--concurrency', '0'], /--concurrency: expected a whole number from 1 to 64/],
    [['--a-faults', 'typoo=1'], /--a-faults: .*typoo/],
    [['--b', 'http://gpu:8001', '--b-faults', 'typo=1'], /fault profiles only apply to the simulator/],
  ])('option %j', async (extra, pattern) => {
    const r = await cli('run', '--suite', join(SUITES, 'testdata', 'tiny.yaml'), '--out', join(work, `opt-${Math.random()}`), ...extra);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  });

  it('--resume on a folder that is not a run', async () => {
    const r = await cli('run', '--resume', work);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.sqlite not found/);
  });
});

describe('the process', () => {
  // bin/omni-review.mjs replaces itself (execve) with a copy that has its malloc settings (issue 10: memory).
  it.runIf(process.platform === 'linux')('runs the engine with two malloc arenas and a fixed mmap threshold under the pid its caller started, and stops on SIGTERM', async () => {
    let pid = 0;
    let listening = false;
    const running = child(['sim', '--port-a', '0', '--port-b', '0'], {
      onSpawn: (p) => (pid = p),
      onStdout: (text) => (listening = text.includes('press Ctrl-C to stop')),
    });
    const environ = (): string => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8');
      } catch {
        return '';
      }
    };
    const deadline = Date.now() + 60_000;
    while (!listening && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(listening).toBe(true);
    const env = environ().split('\0');
    expect(env).toContain('MALLOC_ARENA_MAX=2');
    expect(env).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    expect(env).toContain('MALLOC_TRIM_THRESHOLD_=131072');
    process.kill(pid, 'SIGTERM');
    const stopped = await running;
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(0);
  });
});

describe('crash safety', () => {
  function snapshot(dir: string): Map<string, { savedAt: string; result: string; attempts: number }> {
    const db = new DatabaseSync(join(dir, 'run.sqlite'), { readOnly: true });
    try {
      const rows = db
        .prepare('SELECT r.job_id AS id, r.saved_at AS savedAt, r.result AS result, j.attempts AS attempts FROM results r JOIN jobs j ON j.id = r.job_id')
        .all() as Array<{ id: string; savedAt: string; result: string; attempts: number }>;
      return new Map(rows.map((r) => [r.id, { savedAt: r.savedAt, result: r.result, attempts: r.attempts }]));
    } finally {
      db.close();
    }
  }
  function countResults(dir: string): number {
    if (!existsSync(join(dir, 'run.sqlite'))) return 0;
    try {
      const db = new DatabaseSync(join(dir, 'run.sqlite'), { readOnly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      return 0; // created but not yet migrated
    }
  }

  it('a run killed with kill -9 half-way resumes to a complete report without re-sending finished jobs', async () => {
    const out = join(work, 'killed');
    const total = 10; // smoke: 5 pairs × 2 sides
    let pid = 0;
    // Slow enough (one request at a time per side) that the kill lands half-way.
    const running = child(['run', '--suite', 'fixtures/suites/smoke.yaml', '--out', out, '--sim-time-scale', '0.3', '--concurrency', '1'], {
      onSpawn: (p) => (pid = p),
    });
    const deadline = Date.now() + 240_000;
    while (countResults(out) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const before = countResults(out);
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(total);
    process.kill(pid, 'SIGKILL');
    const killed = await running;
    expect(killed.signal).toBe('SIGKILL');

    const finished = snapshot(out);
    const resumed = await child(['run', '--resume', out, ...FAST]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const report = await readReport(out);
    expect(reportProblems(report, out)).toEqual([]);

    const after = snapshot(out);
    expect(after.size).toBe(total);
    // Jobs finished before the kill were not sent again: their saved rows are untouched.
    for (const [id, row] of finished) expect(after.get(id), id).toEqual(row);
    // Everything else was sent after the kill, at least once more for a job that was in flight.
    expect([...after.keys()].filter((id) => !finished.has(id))).toHaveLength(total - finished.size);
  });

  it('Ctrl-C (SIGINT) stops cleanly with a partial report; --resume completes it', async () => {
    const out = join(work, 'interrupted');
    let pid = 0;
    const running = child(['run', '--suite', 'fixtures/suites/smoke.yaml', '--out', out, '--sim-time-scale', '0.3', '--concurrency', '1'], {
      onSpawn: (p) => (pid = p),
    });
    const deadline = Date.now() + 240_000;
    while (countResults(out) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    process.kill(pid, 'SIGINT');
    const stopped = await running;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/continue with: npx omni-review run --resume/);
    const partial = await readReport(out);
    expect(partial.run.status).toBe('partial');

    const resumed = await child(['run', '--resume', out, ...FAST]);
    expect(resumed.code).toBe(0);
    expect((await readReport(out)).run.status).toBe('complete');
  });
});
