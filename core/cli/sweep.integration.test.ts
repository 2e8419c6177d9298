/**
 * `omni-review sweep` end to end: a small sweep on the simulators writes the A-vs-B table and sweep.json / .csv /
 * .md / .html with the charts; bad specs and flags exit 2 naming the file, line and field (or the flag); and a sweep
 * killed with kill -9 (a child process, by pid) resumes to every point complete without re-sending a finished
 * request, counted at loopback servers.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashString } from '../../shared/hash.ts';
import type { SweepResult } from '../../shared/sweep.ts';
import { startLoopbackImageServer } from '../load/testing.ts';
import { buildPrompt } from '../sweep/prompt.ts';
import { runCliChild, runCliInProcess as cli, type CliChildResult } from './testing.ts';


let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-sweep-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function child(args: string[], onSpawn?: (pid: number) => void): Promise<CliChildResult> {
  return runCliChild(args, { workspace: join(work, 'ws'), ...(onSpawn ? { onSpawn } : {}) });
}

function savedKeys(dir: string): Set<string> {
  const file = join(dir, 'sweep.sqlite');
  if (!existsSync(file)) return new Set();
  try {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const rows = db.prepare('SELECT point_id, side, idx FROM sweep_requests').all() as Array<{ point_id: string; side: string; idx: number }>;
      return new Set(rows.map((r) => `${r.point_id}/${r.side}/${r.idx}`));
    } finally {
      db.close();
    }
  } catch {
    return new Set(); // not created yet
  }
}

describe('omni-review sweep', () => {
  it('on the simulators: the team table on stdout; sweep.json, .csv, .md and .html with the charts', async () => {
    const spec = join(work, 'small.yaml');
    await writeFile(
      spec,
      'name: small\naxes:\n  batch: [1, 2]\n  concurrency: [1, 2]\n  request_rate: [50, inf]\nrequests: 2\nwarmup: 0\nsize: 256x256\nsteps: 2\nsim_time_scale: 0.002\n',
    );
    const out = join(work, 'small');
    const r = await cli('sweep', '--spec', spec, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('configuration | A (s) | B (s) | difference (s) | improvement (%) | speed-up');
    expect(r.stdout).toMatch(/^1×64 c1 r50\/s \(n=2\) \| \d\.\d+ \| \d\.\d+ \| -?\d\.\d{4} \| -?\d+\.\d\d \| (A \d\.\d\d× (faster|\(slower\))|same speed)$/m);
    expect(r.stdout).toMatch(/SIMULATED/);
    const result = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')) as SweepResult;
    expect(result.summary.state).toBe('complete');
    expect(result.points).toHaveLength(8);
    const csv = await readFile(join(out, 'sweep.csv'), 'utf8');
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(rows).toHaveLength(16);
    for (const col of ['e2e_p99_ms', 'e2e_std_ms', 'request_throughput_per_s', 'image_throughput_per_s', 'peak_memory_mb', 'table_improvement_pct', 'stage_denoise_p95_ms']) {
      expect(header!.split(',')).toContain(col);
    }
    const md = await readFile(join(out, 'sweep.md'), 'utf8');
    expect(md).toContain('| configuration | A (s) | B (s) | difference (s) | improvement (%) | speed-up |');
    const html = await readFile(join(out, 'sweep.html'), 'utf8');
    for (const id of ['throughput-vs-concurrency', 'latency-vs-concurrency', 'throughput-vs-rate', 'latency-vs-rate', 'throughput-vs-batch', 'memory-vs-batch', 'stage-stack']) {
      expect(html).toMatch(new RegExp(`<figure id="${id}"><svg `));
    }
    expect(html).not.toMatch(/NaN|undefined/);
    // Each chart alone, as SVG.
    const svg = await readFile(join(out, 'charts', 'throughput-vs-batch.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml[^>]*\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('a bad spec or flag exits 2 naming the file, line and field, or the flag', async () => {
    const spec = join(work, 'bad.yaml');
    await writeFile(spec, 'name: bad\naxes:\n  concurrency: [1, 0]\nrequests: 2\n');
    const bad = await cli('sweep', '--spec', spec, '--out', join(work, 'bad'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${spec}:3:20: axes.concurrency[1]: must be at least 1 (got 0). Requests in flight at most, 1 to 1024`);
    const flag = await cli('sweep', '--batch', '1,x', '--requests', '2', '--out', join(work, 'flag'));
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error: --batch: axes\.batch/);
    expect(existsSync(join(work, 'bad'))).toBe(false);
  });

  it('killed with kill -9 mid-sweep and resumed: every point complete, no finished request sent twice', async () => {
    const a = await startLoopbackImageServer({ delayMs: 150, serial: false });
    const b = await startLoopbackImageServer({ delayMs: 150, serial: true });
    try {
      const out = join(work, 'killed');
      const args = ['--batch', '1', '--concurrency', '1,2', '--requests', '4', '--warmup', '1', '--size', '256x256', '--steps', '2', '--prompt-tokens', '32'];
      const total = 2 * 2 * 5;
      let pid = 0;
      const running = child(['sweep', ...args, '--a', a.url, '--b', b.url, '--out', out, '--quiet'], (p) => (pid = p));
      const deadline = Date.now() + 240_000;
      while (savedKeys(out).size < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(savedKeys(out).size).toBeGreaterThanOrEqual(6);
      process.kill(pid, 'SIGKILL');
      const killed = await running;
      expect(killed.signal).toBe('SIGKILL');
      const before = savedKeys(out);
      expect(before.size).toBeLessThan(total);

      const resumed = await child(['sweep', '--resume', out, '--quiet']);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      const after = savedKeys(out);
      expect(after.size).toBe(total);
      const result = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')) as SweepResult;
      expect(result.summary.state).toBe('complete');
      for (const p of result.points) for (const s of [p.A!, p.B!]) expect(s).toMatchObject({ ok: 4, failed: 0, warmup: 1 });

      // Counted at the servers: a request saved before the kill was received exactly once; the others at most
      // twice (in flight at the kill: sent, not finished, sent again).
      const prompt = (key: string): string => {
        const [pointId, , idx] = key.split('/');
        return buildPrompt(32, hashString(`prompt|${pointId}|${idx}`)).prompt;
      };
      let resent = 0;
      for (const key of after) {
        const server = key.split('/')[1] === 'A' ? a : b;
        const n = server.received.get(prompt(key)) ?? 0;
        if (before.has(key)) expect(n, key).toBe(1);
        else {
          expect(n, key).toBeGreaterThanOrEqual(1);
          expect(n, key).toBeLessThanOrEqual(2);
          resent += n - 1;
        }
      }
      // At most the requests in flight at the kill (concurrency ≤ 2, one side at a time).
      expect(resent).toBeLessThanOrEqual(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
