import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './testing.ts';

const NOTES = 'fixtures/bench/notes-ascend-before-after.md';
const tmp = mkdtempSync(join(tmpdir(), 'bench-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('omni-review bench import', () => {
  it('lists every block with its heading and the unknown line it kept', async () => {
    const { code, stdout } = await runCliInProcess('bench', 'import', NOTES, 'fixtures/bench/vllm-v0.8-result.json');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[1\] fixtures\/bench\/notes-ascend-before-after\.md:12 {2}"Before \(ascend 优化\)"/);
    expect(stdout).toMatch(/\[2\] .*:54 {2}"After \(ascend 优化\)"/);
    expect(stdout).toMatch(/line 62: Total generated tokens \(retokenized\):/);
    expect(stdout).toMatch(/3 results from 2 files/);
  });

  it('--json prints results with --save-result keys, source, heading and unparsed lines', async () => {
    const { code, stdout } = await runCliInProcess('bench', 'import', '--json', NOTES);
    expect(code).toBe(0);
    const { results } = JSON.parse(stdout) as { results: Array<Record<string, unknown> & { metrics: Record<string, unknown> }> };
    expect(results).toHaveLength(2);
    expect(results[1]).toMatchObject({ source: NOTES, heading: 'After (ascend 优化)', lineNumber: 54, kind: 'printed' });
    expect(results[1]?.metrics).toMatchObject({ completed: 256, request_rate: 4, max_concurrency: 8, mean_ttft_ms: 301.9, p99_e2el_ms: 9120.05 });
    expect(results[1]?.unparsed).toEqual([{ line: 'Total generated tokens (retokenized):    32790', lineNumber: 62, section: null }]);
  });

  it('bad input exits 2 with file:line and what to do', async () => {
    const bad = join(tmp, 'bad.txt');
    writeFileSync(bad, ['## Run', '============ Serving Benchmark Result ============', 'Successful requests:  n/a', '='.repeat(50)].join('\n'));
    const r = await runCliInProcess('bench', 'import', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${bad}:3: "Successful requests:" reads "n/a", which is not a number; correct the line to read "<label>: <number>" as vLLM prints it, or delete it\n`);
    const missing = await runCliInProcess('bench', 'import', join(tmp, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such file; check the path/);
  });
});

describe('omni-review bench compare', () => {
  it('one file with Before and After: the table and the verdict in one command', async () => {
    const { code, stdout } = await runCliInProcess('bench', 'compare', NOTES);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Mean TTFT\s+412 ms\s+302 ms\s+−110 ms \(−27 %\) better/);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^Worth it \(After \(ascend 优化\) vs Before \(ascend 优化\)\): mean TTFT −27 %/);
  });

  it('--md prints a Markdown table; --json the comparison for scripts', async () => {
    const md = await runCliInProcess('bench', 'compare', '--md', NOTES);
    expect(md.stdout.split('\n')[0]).toBe('| Metric | Before (ascend 优化) (baseline) | After (ascend 优化) | Δ After (ascend 优化) |');
    const js = await runCliInProcess('bench', 'compare', '--json', 'fixtures/bench/vllm-bench-serve-2026-appended.jsonl');
    const cmp = JSON.parse(js.stdout) as { verdicts: Array<{ outcome: string }>; rows: Array<{ key: string; deltas: unknown[] }> };
    expect(cmp.verdicts[0]?.outcome).toBe('worth-it');
    expect(cmp.rows.find((r) => r.key === 'request_throughput')?.deltas[1]).toMatchObject({ judgement: 'better' });
  });

  it('fewer than two results, a baseline out of range, two formats: exit 2', async () => {
    const one = await runCliInProcess('bench', 'compare', 'fixtures/bench/vllm-v0.8-result.json');
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/1 result found, compare needs two or more/);
    expect((await runCliInProcess('bench', 'compare', '--baseline', '3', NOTES)).stderr).toMatch(/--baseline 3: there are only 2 results/);
    expect((await runCliInProcess('bench', 'compare', '--md', '--json', NOTES)).code).toBe(2);
  });
});

describe('omni-review bench compare on sweeps', () => {
  async function sweepDir(name: string, aMs: number) {
    const { sweepFixture } = await import('../../shared/sweep-fixture.ts');
    const dir = join(tmp, name);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const sweep = sweepFixture({ name, latency: (p, side, i) => (side === 'A' ? aMs : 700) + 50 * p.concurrency + 10 * i });
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep));
    return dir;
  }

  it('A against B at one point of a sweep folder', async () => {
    const dir = await sweepDir('one', 300);
    const r = await runCliInProcess('bench', 'compare', dir, '--point', 'b1-p512-c2-rinf', '--baseline', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Mean e2el|Mean E2EL/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Worth it \(one 1×512 c2 A vs one 1×512 c2 B\): .*mean E2EL −49 %/);
  });

  it('one point and side across two sweeps (before/after), selected by label', async () => {
    const before = await sweepDir('before', 300);
    const after = await sweepDir('after', 450);
    const r = await runCliInProcess('bench', 'compare', before, after, '--point', '1×512 c4', '--side', 'A', '--json');
    expect(r.code).toBe(0);
    const cmp = JSON.parse(r.stdout) as { results: Array<{ name: string }>; verdicts: Array<{ outcome: string }> };
    expect(cmp.results.map((x) => x.name)).toEqual(['before 1×512 c4 A', 'after 1×512 c4 A']);
    expect(cmp.verdicts[0]?.outcome).toBe('not-worth-it');
    const bad = await runCliInProcess('bench', 'compare', before, '--point', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--point nope: no such point in the sweeps given; their points are b1-p512-c1-rinf, b1-p512-c2-rinf, b1-p512-c4-rinf/);
    const notSweep = await runCliInProcess('bench', 'compare', tmp);
    expect(notSweep.stderr).toMatch(/is a folder with no sweep\.json/);
  });
});
