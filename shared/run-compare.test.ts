import { describe, expect, it } from 'vitest';
import type { Category, Verdict } from './model.ts';
import type { Report, ReportPair, ReportSide } from './report.ts';
import {
  buildRunComparison,
  changedPairs,
  comparisonHeadline,
  defaultTextPass,
  matchPairs,
  pairVerdict,
  RunCompareError,
  RunComparisonSchema,
  type PixelChange,
} from './run-compare.ts';
import { formatSpeedChange } from './speedup.ts';

function side(e2eMs: number | null, stages: Record<string, number>, extra: Partial<ReportSide> = {}): ReportSide {
  return {
    status: e2eMs === null ? 'error' : 'ok',
    error: null,
    image: null,
    width: 512,
    height: 512,
    requestedSize: '512x512',
    timings: { e2eMs, stages },
    peakMemoryMb: null,
    endpoint: null,
    attempts: 1,
    ...extra,
  };
}

let verdictSeq = 0;
function v(value: Verdict['verdict'], reviewer = 'ann', createdAt = '2026-12-01T10:00:00.000Z'): Verdict {
  verdictSeq += 1;
  return { id: `v${verdictSeq}`, pairKey: 'k', reviewer, verdict: value, tags: [], note: '', blind: false, swapped: false, durationMs: 1, createdAt };
}

interface PairSpec {
  caseId: string;
  turn?: number;
  category?: Category;
  a?: number | null;
  b?: number | null;
  scaleA?: number;
  verdicts?: Verdict[];
  prompt?: string;
  textA?: boolean;
}

function pair(s: PairSpec): ReportPair {
  const turn = s.turn ?? 1;
  const a = s.a === undefined ? 1000 : s.a;
  const b = s.b === undefined ? 2000 : s.b;
  const k = s.scaleA ?? 1;
  const aSide = side(a === null ? null : a * k, a === null ? {} : { text_encode: 100 * k, denoise: 700 * k, vae_decode: 100 * k, upload: 5 });
  if (s.textA !== undefined) (aSide as unknown as { text: { pass: boolean } }).text = { pass: s.textA };
  return {
    key: `${s.caseId}#t${turn}#r1`,
    caseId: s.caseId,
    title: null,
    turn,
    turns: turn,
    repeat: 1,
    category: s.category ?? 'text-rendering',
    tags: [],
    prompt: s.prompt ?? `prompt of ${s.caseId}`,
    negativePrompt: null,
    expectedText: [],
    sources: [],
    A: aSide,
    B: side(b, b === null ? {} : { text_encode: 200, vae_encode: 100, denoise: 1500, vae_decode: 150 }),
    diff: null,
    vsSource: { A: null, B: null },
    verdicts: s.verdicts ?? [],
  };
}

function report(suite: string, pairs: ReportPair[], id = 'run'): Report {
  const backend = { kind: 'vllm-omni' as const, url: 'sim', simulated: true, label: 'sim', concurrency: 2, timeoutMs: 1000, faults: '', server: null };
  return {
    schemaVersion: 1,
    generatedAt: '2026-12-01T00:00:00.000Z',
    tool: { name: 'omni-review', version: '0' },
    run: {
      id,
      createdAt: '2026-12-01T00:00:00.000Z',
      status: 'complete',
      suite: { name: suite, source: 'x.yaml', cases: pairs.length },
      backends: { A: backend, B: { ...backend, kind: 'diffusers' } },
      params: { repeats: 1, retries: 0, overrides: {} },
    },
    summary: {} as Report['summary'],
    pairs,
  };
}

function build(before: Report, after: Report, pixels = new Map<string, Partial<Record<'A' | 'B', PixelChange>>>()) {
  return RunComparisonSchema.parse(
    buildRunComparison({ before, after, dirs: { before: 'r1', after: 'r2' }, match: matchPairs(before, after), pixels, generatedAt: 'now', toolVersion: 't' }),
  );
}

const change = (ratio: number): PixelChange => ({ state: ratio === 0 ? 'identical' : 'changed', ratio, pixels: Math.round(ratio * 1000), before: 'a', after: 'b', thumbs: null, note: null });

describe('formatSpeedChange', () => {
  it('words after against before as "slower" / "faster" with the ratio above 1', () => {
    expect(formatSpeedChange(1000, 1310, 'A')).toBe('A 1.31× slower');
    expect(formatSpeedChange(1310, 1000, 'B')).toBe('B 1.31× faster');
    expect(formatSpeedChange(1000, 1002)).toBe('A same speed');
    expect(formatSpeedChange(null, 1000)).toBeNull();
  });
});

describe('matchPairs', () => {
  it('matches by case, turn and repeat and names what is only in one run', () => {
    const r1 = report('demo', [pair({ caseId: 'a' }), pair({ caseId: 'chain', turn: 1 }), pair({ caseId: 'chain', turn: 2 }), pair({ caseId: 'gone' })]);
    const r2 = report('demo', [pair({ caseId: 'a' }), pair({ caseId: 'chain', turn: 1 }), pair({ caseId: 'chain', turn: 2 }), pair({ caseId: 'new' })]);
    const m = matchPairs(r1, r2);
    expect(m.matched.map((x) => `${x.after.caseId}/${x.after.turn}`)).toEqual(['a/1', 'chain/1', 'chain/2']);
    expect(m.onlyBefore.map((r) => r.caseId)).toEqual(['gone']);
    expect(m.onlyAfter.map((r) => r.caseId)).toEqual(['new']);
    expect(m.warnings.join('\n')).toMatch(/1 pairs only in the first run, not compared: gone/);
    expect(m.warnings.join('\n')).toMatch(/only in the second run, not compared: new/);
  });

  it('refuses two runs with no case in common, naming both suites', () => {
    expect(() => matchPairs(report('demo', [pair({ caseId: 'a' })]), report('smoke', [pair({ caseId: 'z' })]))).toThrow(RunCompareError);
    expect(() => matchPairs(report('demo', [pair({ caseId: 'a' })]), report('smoke', [pair({ caseId: 'z' })]))).toThrow(/different suites \("demo" and "smoke"\)/);
  });

  it('warns (and goes on) when the suites differ but cases match, and when a prompt changed', () => {
    const m = matchPairs(report('demo', [pair({ caseId: 'a' })]), report('demo-v2', [pair({ caseId: 'a', prompt: 'edited' })]));
    expect(m.matched).toHaveLength(1);
    expect(m.warnings.join('\n')).toMatch(/different suites/);
    expect(m.warnings.join('\n')).toMatch(/different prompt/);
  });
});

describe('pairVerdict', () => {
  it('takes each reviewer\'s latest judgement, leaves skips out, and says when reviewers disagree', () => {
    expect(pairVerdict([])).toBeNull();
    expect(pairVerdict([v('skip')])).toBeNull();
    expect(pairVerdict([v('B_better', 'ann', '2026-12-01T09:00:00Z'), v('A_better', 'ann', '2026-12-01T10:00:00Z')])).toBe('A better');
    expect(pairVerdict([v('A_better', 'ann'), v('tie', 'bob')])).toBe('reviewers disagree');
  });
});

describe('buildRunComparison', () => {
  const cases = ['c1', 'c2', 'c3', 'c4'];

  it('says A got slower, names the stage that moved most, and leaves B alone', () => {
    const r1 = report('demo', cases.map((c) => pair({ caseId: c })));
    const r2 = report('demo', cases.map((c) => pair({ caseId: c, scaleA: 1.5 })));
    const c = build(r1, r2);
    const allA = c.speed.find((g) => g.category === 'all' && g.side === 'A');
    expect(allA?.rows[0]).toMatchObject({ stage: 'e2e', n: 4, ratio: 1.5, change: 'A 1.50× slower' });
    expect(allA?.rows.find((r) => r.stage === 'denoise')?.change).toBe('A 1.50× slower');
    // upload did not change: like for like, it is its own row with "same speed".
    expect(allA?.rows.find((r) => r.stage === 'upload')?.change).toBe('A same speed');
    expect(c.headline).toMatch(/^A got 1\.50× slower end to end \(p50 1,000 ms → 1,500 ms\), 1\.50× slower in its server stages, mostly in denoise \(1\.50× slower\)/);
    expect(c.headline).toMatch(/B kept its speed end to end \(p50 2,000 ms\), the same in its server stages;/);
    // The compared server stages' sum (text_encode + denoise + vae_decode for A) is its own row.
    expect(allA?.rows[1]).toMatchObject({ stage: 'server', p50: { before: 900, after: 1350 }, change: 'A 1.50× slower' });
  });

  it('says "but" when the client-measured e2e and the server stages disagree (a loaded client machine)', () => {
    const r1 = report('demo', cases.map((c) => pair({ caseId: c, a: 3000 })));
    // A's stages 2× slower, yet its e2e shorter: the first run's client was busy.
    const r2 = report('demo', cases.map((c) => {
      const p = pair({ caseId: c, scaleA: 2 });
      p.A.timings.e2eMs = 2500;
      return p;
    }));
    const c = build(r1, r2);
    expect(c.headline).toMatch(/^A got 1\.20× faster end to end \(p50 3,000 ms → 2,500 ms\) but 2\.00× slower in its server stages, mostly in denoise \(2\.00× slower\)/);
    expect(c.headline).toMatch(/no pair has a verdict in both runs yet/);
  });

  it('compares a stage only where both runs report it for that side', () => {
    const r1 = report('demo', [pair({ caseId: 'c1' })]);
    const p2 = pair({ caseId: 'c1' });
    delete (p2.A.timings.stages as Record<string, number>).vae_decode;
    (p2.A.timings.stages as Record<string, number>).transfer = 9;
    const c = build(r1, report('demo', [p2]));
    const stages = c.speed.find((g) => g.category === 'all' && g.side === 'A')?.rows.map((r) => r.stage);
    expect(stages).toContain('denoise');
    expect(stages).not.toContain('vae_decode');
    expect(stages).not.toContain('transfer');
  });

  it('leaves a pair out of the speed figures when a side failed in either run', () => {
    const r1 = report('demo', [pair({ caseId: 'c1' }), pair({ caseId: 'c2' })]);
    const r2 = report('demo', [pair({ caseId: 'c1', a: null }), pair({ caseId: 'c2' })]);
    const c = build(r1, r2);
    expect(c.speed.find((g) => g.category === 'all' && g.side === 'A')?.rows[0]?.n).toBe(1);
    expect(c.speed.find((g) => g.category === 'all' && g.side === 'B')?.rows[0]?.n).toBe(2);
    expect(changedPairs(c).map((p) => p.caseId)).toEqual(['c1']); // its status changed
  });

  it('groups speed per category and counts changed verdicts and pictures in the headline', () => {
    const r1 = report('demo', [
      pair({ caseId: 'c1', verdicts: [v('A_better')] }),
      pair({ caseId: 'c2', verdicts: [v('tie')] }),
      pair({ caseId: 's1', category: 'style-transfer', verdicts: [v('B_better')] }),
    ]);
    const r2 = report('demo', [
      pair({ caseId: 'c1', verdicts: [v('B_better')] }),
      pair({ caseId: 'c2', verdicts: [v('tie')] }),
      pair({ caseId: 's1', category: 'style-transfer' }),
    ]);
    const pixels = new Map([
      ['c1#t1#r1', { A: change(0.12), B: change(0) }],
      ['c2#t1#r1', { A: change(0), B: change(0) }],
      ['s1#t1#r1', { A: change(0), B: change(0) }],
    ]);
    const c = build(r1, r2, pixels);
    expect(c.speed.map((g) => `${g.category}/${g.side}`)).toEqual(['all/A', 'all/B', 'text-rendering/A', 'text-rendering/B', 'style-transfer/A', 'style-transfer/B']);
    expect(c.totals).toMatchObject({ verdictChanged: 1, verdictCompared: 2, textChanged: null, pictures: { A: { changed: 1, compared: 3 }, B: { changed: 0, compared: 3 } } });
    expect(c.pairs.find((p) => p.caseId === 'c1')?.verdict).toEqual({ before: 'A better', after: 'B better', changed: true });
    expect(c.headline).toMatch(/1 of 2 pairs judged in both runs changed verdict/);
    expect(c.headline).toMatch(/A's pictures changed in 1 of 3 pairs/);
    expect(c.headline).toMatch(/B's pictures are unchanged in all 3 pairs/);
    expect(c.headline).toMatch(/A kept its speed/);
    expect(changedPairs(c).map((p) => p.caseId)).toEqual(['c1']);
  });

  it('compares text pass/fail only when a run carries text results', () => {
    const without = build(report('demo', [pair({ caseId: 'c1' })]), report('demo', [pair({ caseId: 'c1' })]));
    expect(without.totals.textChanged).toBeNull();
    expect(without.pairs[0]?.text).toBeNull();
    const withText = build(report('demo', [pair({ caseId: 'c1', textA: true }), pair({ caseId: 'c2', textA: true })]), report('demo', [pair({ caseId: 'c1', textA: false }), pair({ caseId: 'c2', textA: true })]));
    expect(withText.totals.textChanged).toBe(1);
    expect(withText.pairs[0]?.text?.A).toEqual({ before: true, after: false, changed: true });
    expect(withText.headline).toMatch(/1 pairs changed text pass\/fail/);
    expect(defaultTextPass(pair({ caseId: 'x' }), 'A')).toBeNull();
  });

  it('re-derives the same headline from the stored object', () => {
    const c = build(report('demo', [pair({ caseId: 'c1' })]), report('demo', [pair({ caseId: 'c1', scaleA: 0.5 })]));
    expect(comparisonHeadline(c)).toBe(c.headline);
    expect(c.headline).toMatch(/^A got 2\.00× faster end to end/);
  });
});
