/**
 * `omni-review compare` end to end (issue 13 "Compare runs", must show): two runs of the smoke suite on the
 * simulators, the second with every text misrendered by A (`--a-faults typo=1`) and A's modelled time five times
 * longer (`--a-sim-time-scale 5`); the comparison names the pairs whose A pictures changed and A's slower stages, and its
 * headline says A got slower. Plus the errors a user can act on.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report.ts';
import { RunComparisonSchema, type RunComparison } from '../../shared/run-compare.ts';
import { runCliInProcess as cli } from './testing.ts';

const SUITE = fileURLToPath(new URL('../../fixtures/suites/smoke.yaml', import.meta.url));
const FAST = ['--sim-time-scale', '0.01', '--quiet'];

let work: string;
let before: string;
let after: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-compare-cli-'));
  before = join(work, 'before');
  after = join(work, 'after');
  expect((await cli('run', '--suite', SUITE, '--out', before, ...FAST)).code).toBe(0);
  expect((await cli('run', '--suite', SUITE, '--out', after, ...FAST, '--a-faults', 'typo=1', '--a-sim-time-scale', '5')).code).toBe(0);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function readComparison(dir: string): Promise<RunComparison> {
  return RunComparisonSchema.parse(JSON.parse(await readFile(join(dir, 'compare.json'), 'utf8')));
}

describe('omni-review compare', () => {
  it('names the pairs whose A pictures changed and A\'s slower stages; the headline says A got slower', async () => {
    const out = join(work, 'cmp');
    const r = await cli('compare', before, after, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // e2e is measured by this (busy) machine's clock and may go either way here; the server stages are the
    // simulator's modelled times, ×5 for A whatever the load, so the headline must say A got slower there.
    expect(r.stdout).toMatch(/^A (got \d+\.\d+× (slower|faster)|kept its speed) end to end \(p50 [^)]*\)(,| but) \d\.\d\d× slower in its server stages, mostly in denoise \(\d\.\d\d× slower\)/);
    expect(r.stdout).toMatch(/; B (got|kept)[^;]* the same in its server stages/);
    const c = await readComparison(out);
    expect(c.headline).toBe(r.stdout.split('\n')[0]);
    expect(c.matching).toMatchObject({ matched: 5, onlyBefore: [], onlyAfter: [] });
    expect(c.after.backends.A.faults).toBe('typo=1');

    const a = c.speed.find((g) => g.category === 'all' && g.side === 'A');
    const denoiseA = a?.rows.find((row) => row.stage === 'denoise');
    // The simulator's modelled stage times scale exactly with --a-sim-time-scale (whatever the host's load).
    expect(denoiseA?.ratio).toBeGreaterThan(3);
    expect(denoiseA?.change).toMatch(/^A \d\.\d\d× slower$/);
    const b = c.speed.find((g) => g.category === 'all' && g.side === 'B');
    expect(b?.rows.find((row) => row.stage === 'denoise')?.change).toBe('B same speed');
    // Like for like: B's vae_encode is not put against an A stage that does not exist.
    expect(a?.rows.map((row) => row.stage)).not.toContain('vae_encode');

    // The text cases' A pictures changed (misrendered text); B's are the same bytes in both runs.
    const textPairs = c.pairs.filter((p) => p.category === 'text-rendering');
    expect(textPairs.length).toBeGreaterThan(0);
    for (const p of textPairs) {
      expect(p.pixels.A.state).toBe('changed');
      expect(p.pixels.A.ratio).toBeGreaterThan(0);
      expect(p.pixels.A.thumbs?.heatmap).toMatch(/^images\//);
    }
    for (const p of c.pairs) expect(p.pixels.B.state).toBe('identical');
    expect(c.totals.pictures.A.changed).toBeGreaterThanOrEqual(textPairs.length);
    expect(c.headline).toMatch(new RegExp(`A's pictures changed in ${c.totals.pictures.A.changed} of 5 pairs`));
    expect(c.headline).toMatch(/B's pictures are unchanged in all 5 pairs/);

    const md = await readFile(join(out, 'compare.md'), 'utf8');
    expect(md).toContain('| Stage | A p50 before | A p50 after | A change |');
    for (const p of textPairs) expect(md).toContain(p.caseId);
    // Every image link resolves relative to the comparison folder.
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThanOrEqual(3 * textPairs.length);
    for (const link of links) expect(existsSync(join(out, decodeURIComponent(link)))).toBe(true);

    const html = await readFile(join(out, 'compare.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).toMatch(/<img src="data:image\/webp;base64,/);
    expect(html).not.toMatch(/<script/);
  }, 120_000);

  it('reuses its cache on a second comparison into the same folder', async () => {
    const out = join(work, 'cmp');
    const cache = JSON.parse(await readFile(join(out, '.cache', 'pixels.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(cache.entries).length).toBeGreaterThan(0);
    const r = await cli('compare', before, after, '--out', out, '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { headline: string; totals: RunComparison['totals'] };
    expect(summary.totals).toEqual((await readComparison(out)).totals);
  }, 60_000);

  it('lists cases only in one run, and refuses runs that share no case with a message naming both suites', async () => {
    const report = JSON.parse(await readFile(join(before, 'report.json'), 'utf8')) as Report;
    // A report.json of "another suite": one case dropped, the rest renamed.
    const fewer = join(work, 'fewer', 'report.json');
    await mkdir(dirname(fewer), { recursive: true });
    await writeFile(fewer, JSON.stringify({ ...report, pairs: report.pairs.slice(1) }));
    const r1 = await cli('compare', fewer, after, '--out', join(work, 'cmp-fewer'));
    expect(r1.code).toBe(0);
    expect(r1.stderr).toMatch(/warning: 1 pairs only in the second run, not compared: smoke-en-sign/);

    const renamed = join(work, 'renamed', 'report.json');
    await mkdir(dirname(renamed), { recursive: true });
    const other = { ...report, run: { ...report.run, suite: { ...report.run.suite, name: 'other' } }, pairs: report.pairs.map((p) => ({ ...p, caseId: `x-${p.caseId}` })) };
    await writeFile(renamed, JSON.stringify(other));
    const r2 = await cli('compare', renamed, after, '--out', join(work, 'cmp-other'));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^error: the runs are of different suites \("other" and "smoke"\) and share no case id; compare two runs of the same suite/);
    expect(existsSync(join(work, 'cmp-other', 'compare.json'))).toBe(false);
  }, 60_000);

  it('says what is wrong with its arguments (exit 2)', async () => {
    const noOut = await cli('compare', before, after);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out <dir> is required/);
    await mkdir(join(work, 'empty'), { recursive: true });
    const notRun = await cli('compare', join(work, 'empty'), after, '--out', join(work, 'x'));
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/first run .*not a run folder/);
    const intoRun = await cli('compare', before, after, '--out', join(after, 'cmp'));
    expect(intoRun.code).toBe(2);
    expect(intoRun.stderr).toMatch(/pick a folder of its own, not the run folder .* or one inside it/);
    const help = await cli('--help');
    expect(help.stdout).toMatch(/compare \[options\] <run1> <run2>/);
  });
});
