import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../core/reports/build.ts';
import { reportInput } from '../core/reports/test-fixtures/report-input.ts';
import { reportProblems } from './check-report.ts';

// The fixture run: poster ok on both sides and compared; chain t1 ok but not compared; chain t2 B failed; gen
// skipped on A and pending on B (so the run is partial).
const report = buildReport(reportInput());
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('reportProblems', () => {
  it('names every failing pair and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omni-check-'));
    dirs.push(dir);
    const problems = reportProblems(report, dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        'run.status: expected complete, got partial',
        expect.stringMatching(/^poster#t1#r1: A\.image: file not found: images\//),
        'chain#t1#r1: diff: missing',
        expect.stringMatching(/^chain#t2#r1: B\.status: expected ok, got error \(HTTP 500 .*CUDA out of memory\)$/),
        expect.stringMatching(/^gen#t1#r1: A\.status: expected ok, got skipped/),
        'gen#t1#r1: B.status: expected ok, got pending',
      ]),
    );
  });

  it('passes a pair whose files exist and whose metrics are complete', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omni-check-'));
    dirs.push(dir);
    const poster = report.pairs.find((p) => p.caseId === 'poster')!;
    for (const rel of [poster.A.image!, poster.B.image!, poster.diff!.heatmap!]) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), 'x');
    }
    const one = { ...report, run: { ...report.run, status: 'complete' as const }, pairs: [poster] };
    expect(reportProblems(one, dir)).toEqual([]);
    // And fails it once a metric is gone.
    const noSsim = { ...one, pairs: [{ ...poster, diff: { ...poster.diff!, ssim: null } }] };
    expect(reportProblems(noSsim, dir)).toEqual(['poster#t1#r1: diff.ssim: missing']);
  });
});
