/**
 * Compare runs in the app, over the real engine in process (core/testing): two seeded runs of one suite, the second
 * with a 1.5× slower A, other pictures for every 4th A output and shifted verdicts; `runs:compare` through the one
 * dispatcher, and the panel's markup (server-rendered) from its answer.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreApp } from '../../../../core/app/index.ts';
import type { CoreApp } from '../../../../core/app/types.ts';
import { createInProcessApi } from '../../../../core/testing/in-process-api.ts';
import { seedRun } from '../../../../core/testing/seed-run.ts';
import { TEST_SUITE_DIRS } from '../../../../core/testing/test-engine.ts';
import type { ReviewApi } from '../../../../shared/contract.ts';
import { RunComparisonSchema, type RunCompareResponse } from '../../../../shared/run-compare.ts';
import { ComparisonView } from './compare-runs-panel.tsx';

let workspace: string;
let app: CoreApp;
let api: ReviewApi;
let result: RunCompareResponse;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'omni-compare-ui-'));
  const common = { pairs: 12, chainEvery: 4, suiteName: 'seeded', reviewedFraction: 1, priorReviewer: 'ann' };
  await seedRun(join(workspace, 'runs', 'before'), { ...common, id: 'before', createdAt: '2026-12-01T10:00:00.000Z' });
  await seedRun(join(workspace, 'runs', 'after'), { ...common, id: 'after', createdAt: '2026-12-01T11:00:00.000Z', aTimeScale: 1.5, aImageChangeEvery: 4, verdictOffset: 1 });
  await seedRun(join(workspace, 'runs', 'other'), { id: 'other', pairs: 3, chainEvery: 0, suiteName: 'other-suite' });
  app = await createCoreApp({ workspace, mode: 'memory', suiteDirs: TEST_SUITE_DIRS });
  api = createInProcessApi(app);
  result = await api.call('runs:compare', { beforeRunId: 'before', afterRunId: 'after' });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(workspace, { recursive: true, force: true });
});

describe('runs:compare', () => {
  it('answers with a valid comparison whose headline says A got slower, and writes the three files', async () => {
    const c = RunComparisonSchema.parse(result.comparison);
    expect(c.matching).toMatchObject({ matched: 12, onlyBefore: [], onlyAfter: [] });
    expect(c.headline).toMatch(/^A got 1\.50× slower end to end/);
    expect(c.headline).toMatch(/mostly in denoise/);
    expect(c.headline).toMatch(/B kept its speed/);
    const aAll = c.speed.find((g) => g.category === 'all' && g.side === 'A');
    expect(aAll?.rows.find((r) => r.stage === 'denoise')?.change).toBe('A 1.50× slower');
    // Every pair has a verdict in both runs, shifted by one value of the cycle: all but skip→skip-free ones change.
    expect(c.totals.verdictCompared).toBeGreaterThan(0);
    expect(c.totals.verdictChanged).toBeGreaterThan(0);
    expect(c.totals.pictures.A).toEqual({ changed: 3, compared: 12 });
    expect(c.totals.pictures.B).toEqual({ changed: 0, compared: 12 });
    for (const f of ['html', 'md', 'json'] as const) expect(existsSync(result.files[f])).toBe(true);
    expect(result.dir.startsWith(join(workspace, 'compares'))).toBe(true);
    const stored = RunComparisonSchema.parse(JSON.parse(await readFile(result.files.json, 'utf8')));
    expect(stored.headline).toBe(c.headline);
    // On disk thumbnails are relative files; over the contract they are data: URLs (no paths reach the renderer).
    const changed = c.pairs.filter((p) => p.pixels.A.state === 'changed');
    expect(changed).toHaveLength(3);
    for (const p of changed) expect(p.pixels.A.thumbs?.heatmap).toMatch(/^data:image\/webp;base64,/);
    expect(stored.pairs.find((p) => p.pixels.A.state === 'changed')?.pixels.A.thumbs?.heatmap).toMatch(/^images\/heat-[0-9a-f]+-[0-9a-f]+\.webp$/);
  });

  it('refuses the same run twice and an unknown run; warns, and lists what did not match, for another suite', async () => {
    await expect(api.call('runs:compare', { beforeRunId: 'before', afterRunId: 'before' })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/two different runs/) });
    await expect(api.call('runs:compare', { beforeRunId: 'nope', afterRunId: 'after' })).rejects.toMatchObject({ code: 'not-found' });
    // The other suite's 3 cases carry the same seeded ids: compared, with the suites named and the rest listed.
    const other = await api.call('runs:compare', { beforeRunId: 'other', afterRunId: 'after' });
    expect(other.comparison.matching.matched).toBe(3);
    expect(other.comparison.matching.onlyAfter).toHaveLength(9);
    expect(other.comparison.warnings.join('\n')).toMatch(/different suites: "other-suite" \(first run\) and "seeded" \(second run\)/);
    expect(other.comparison.warnings.join('\n')).toMatch(/9 pairs only in the second run, not compared: case-0003/);
    expect(renderToStaticMarkup(<ComparisonView result={other} />)).toContain('data-testid="compare-unmatched"');
  });
});

describe('ComparisonView', () => {
  it('shows the headline, the speed table, and each changed pair with its heatmap', () => {
    const html = renderToStaticMarkup(<ComparisonView result={result} />);
    expect(html).toContain('data-testid="compare-headline"');
    expect(html).toMatch(/A got 1\.50× slower end to end/);
    expect(html).toContain('data-stage="denoise"');
    expect(html).toContain('A 1.50× slower');
    const pairs = html.match(/data-testid="compare-changed-pair"/g) ?? [];
    // 3 pairs with new A pictures, plus those whose verdict changed.
    expect(pairs.length).toBeGreaterThanOrEqual(3);
    expect((html.match(/data-testid="compare-heatmap"/g) ?? []).length).toBe(3);
    expect(html).toContain('data-testid="compare-verdict-change"');
    expect(html).not.toContain('A_better');
  });
});
