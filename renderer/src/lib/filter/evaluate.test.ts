import { describe, expect, it } from 'vitest';
import type { PairView } from '../../../../shared/contract.ts';
import type { Verdict } from '../../../../shared/model.ts';
import { filterPairs, matchesFilter } from './evaluate.ts';
import { parseFilter } from './parse.ts';

function side(overrides: Partial<PairView['A']> = {}): PairView['A'] {
  return {
    status: 'ok',
    error: null,
    imageId: 'a'.repeat(64),
    sourceId: 'c'.repeat(64),
    width: 1024,
    height: 1024,
    e2eMs: 18_000,
    stages: { text_encode: 350, denoise: 16_000, vae_decode: 500 },
    denoiseStepsMs: null,
    peakMemoryMb: 42_000,
    endpoint: 'POST /v1/images/edits',
    attempts: 1,
    vsSource: null,
    ...overrides,
  };
}

function verdict(overrides: Partial<Verdict> = {}): Verdict {
  return {
    id: 'v1',
    pairKey: 'k',
    reviewer: 'ana',
    verdict: 'A_better',
    tags: [],
    note: '',
    blind: false,
    swapped: false,
    durationMs: 1000,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function pair(overrides: Partial<PairView> = {}): PairView {
  return {
    key: 'poster-001#t1#r1',
    caseId: 'poster-001',
    title: 'New-year poster',
    category: 'text-rendering',
    tags: ['poster', 'zh'],
    turn: 1,
    turns: 1,
    repeat: 1,
    prompt: 'Add the title “新年快乐” at the top',
    negativePrompt: null,
    expectedText: ['新年快乐'],
    A: side(),
    B: side({ e2eMs: 21_000, stages: { text_encode: 1200, denoise: 19_000 }, peakMemoryMb: 59_000 }),
    diff: { pixels: 8000, ratio: 0.008, heatmapId: null, bounds: null, ssim: 0.93, psnr: 35.2, identical: false, sizeMismatch: null },
    verdicts: [],
    blindSwap: false,
    ...overrides,
  };
}

const ctx = { reviewer: 'ana' };

function match(query: string, p: PairView, reviewer: string | null = 'ana'): boolean {
  const parsed = parseFilter(query);
  expect(parsed.errors).toEqual([]);
  return matchesFilter(p, parsed.clauses, { reviewer });
}

describe('parseFilter + matchesFilter', () => {
  it('matches verdicts by the reviewer\'s newest verdict, with OR inside one token', () => {
    const p = pair({ verdicts: [verdict({ verdict: 'tie', createdAt: '2025-01-01T00:00:00Z' }), verdict({ id: 'v2', verdict: 'B_better', createdAt: '2025-01-02T00:00:00Z' })] });
    expect(match('v:B_better', p)).toBe(true);
    expect(match('v:tie', p)).toBe(false);
    expect(match('v:tie,b_better', p)).toBe(true);
    expect(match('v:none', p)).toBe(false);
    expect(match('v:none', pair())).toBe(true);
    // Another reviewer's verdict does not count for this reviewer …
    expect(match('v:B_better', p, 'bo')).toBe(false);
    expect(match('is:unreviewed', p, 'bo')).toBe(true);
    // … but with no reviewer anyone's does.
    expect(match('v:B_better', p, null)).toBe(true);
  });

  it('matches taxonomy tags of the verdict, families, and case tags', () => {
    const p = pair({ verdicts: [verdict({ tags: ['text.missing'] })] });
    expect(match('tag:text.missing', p)).toBe(true);
    expect(match('tag:text.garbled', p)).toBe(false);
    expect(match('tag:text', p)).toBe(true);
    expect(match('tag:text.*', p)).toBe(true);
    expect(match('tag:edit', p)).toBe(false);
    expect(match('tag:poster', p)).toBe(true);
    expect(match('tag:artifact.moire', pair({ verdicts: [verdict({ tags: ['artifact.moire'] })] }))).toBe(true);
  });

  it('matches categories, with a unique prefix accepted', () => {
    expect(match('cat:text-rendering', pair())).toBe(true);
    expect(match('cat:text', pair())).toBe(true);
    expect(match('cat:edit', pair())).toBe(false);
    expect(match('cat:edit,text-rendering', pair())).toBe(true);
  });

  it('compares the A↔B diff as a share or a pixel count', () => {
    const p = pair();
    expect(match('diff>0.5%', p)).toBe(true);
    expect(match('diff>0.8%', p)).toBe(false);
    expect(match('diff>=0.8%', p)).toBe(true);
    expect(match('diff<1000px', p)).toBe(false);
    expect(match('diff>7999px', p)).toBe(true);
    // No comparison yet: a numeric token cannot hold, its negation does.
    expect(match('diff>0%', pair({ diff: null }))).toBe(false);
    expect(match('-diff>0%', pair({ diff: null }))).toBe(true);
  });

  it('compares ssim and psnr', () => {
    expect(match('ssim<0.95', pair())).toBe(true);
    expect(match('ssim<0.9', pair())).toBe(false);
    expect(match('psnr>30', pair())).toBe(true);
    expect(match('psnr>30dB', pair())).toBe(true);
  });

  it('compares stage times on either side, one side, and e2e, in ms, s and minutes', () => {
    const p = pair();
    expect(match('stage:denoise>18s', p)).toBe(true); // B: 19 s
    expect(match('stage:A.denoise>18s', p)).toBe(false); // A: 16 s
    expect(match('stage:B.denoise>18s', p)).toBe(true);
    expect(match('stage:text_encode<400ms', p)).toBe(true); // A
    expect(match('stage:B.text_encode<400ms', p)).toBe(false);
    expect(match('stage:vae_decode>1ms', pair({ A: side({ stages: {} }), B: side({ stages: {} }) }))).toBe(false);
    expect(match('e2e>20s', p)).toBe(true);
    expect(match('stage:A.e2e>20s', p)).toBe(false);
    expect(match('e2e<0.5m', p)).toBe(true);
  });

  it('matches status overall and per side', () => {
    const failed = pair({ B: side({ status: 'error', imageId: null }) });
    expect(match('status:error', failed)).toBe(true);
    expect(match('status:ok', failed)).toBe(false);
    expect(match('status:A.ok', failed)).toBe(true);
    expect(match('status:B.error', failed)).toBe(true);
    expect(match('status:A.error', failed)).toBe(false);
    const running = pair({ A: side({ status: 'running' }), B: side({ status: 'pending' }) });
    expect(match('status:pending', running)).toBe(true);
    expect(match('status:running', running)).toBe(true);
  });

  it('handles is: values', () => {
    const tagged = pair({ verdicts: [verdict({ tags: ['text.extra'], note: 'extra glyph' })] });
    expect(match('is:reviewed', tagged)).toBe(true);
    expect(match('is:tagged', tagged)).toBe(true);
    expect(match('is:noted', tagged)).toBe(true);
    expect(match('is:tagged', pair({ verdicts: [verdict()] }))).toBe(false);
    expect(match('is:identical', pair({ diff: { ...pair().diff!, identical: true } }))).toBe(true);
    expect(match('is:mismatch', pair({ diff: { ...pair().diff!, sizeMismatch: { first: '1024x1024', second: '1024x768' } } }))).toBe(true);
  });

  it('compares peak memory in MB or GB', () => {
    expect(match('mem>50GB', pair())).toBe(true); // B 59 000 MB
    expect(match('mem:A>50GB', pair())).toBe(false);
    expect(match('mem:A<45000', pair())).toBe(true);
  });

  it('searches free text and quoted phrases over id, title, prompt and expected text', () => {
    expect(match('新年快乐', pair())).toBe(true);
    expect(match('POSTER-001', pair())).toBe(true);
    expect(match('"new-year poster"', pair())).toBe(true);
    expect(match('"new year"', pair())).toBe(false);
    expect(match('-poster', pair())).toBe(false);
    expect(match('turn=1 repeat<2', pair())).toBe(true);
  });

  it('ANDs tokens and supports negation', () => {
    const p = pair({ verdicts: [verdict({ verdict: 'B_better', tags: ['text.missing'] })] });
    expect(match('v:B_better tag:text.missing cat:text', p)).toBe(true);
    expect(match('v:B_better -tag:text.missing', p)).toBe(false);
    expect(match('!v:A_better diff>0.5%', p)).toBe(true);
  });
});

describe('filterPairs', () => {
  it('filters a list and returns everything for an empty query', () => {
    const pairs = [pair(), pair({ key: 'b', caseId: 'style-001', category: 'style-transfer', prompt: 'watercolor', expectedText: [], title: null, tags: [] })];
    expect(filterPairs(pairs, parseFilter(''), ctx)).toHaveLength(2);
    expect(filterPairs(pairs, parseFilter('cat:style'), ctx).map((p) => p.key)).toEqual(['b']);
  });
});

describe('text-check tokens (issue 11)', () => {
  const check = (pass: boolean, cer: number): NonNullable<PairView['A']['text']> => ({
    engine: 'e', ms: 10, width: 64, height: 64, lines: [], usedLines: [], expected: '新年快乐', recognized: '', lang: 'zh', cer, ned: 1 - cer,
    wordAccuracy: null, charAccuracy: 1 - cer, bagOfWordsRecall: 1 - cer, pass, suggestedTags: pass ? [] : ['text.misspelled'], alignment: [],
  });
  const aFails = pair({ A: side({ text: check(false, 0.25) }), B: side({ text: check(true, 0) }), blindSwap: true });

  it('finds failures on either side, on one backend, and by screen position (blind-safe)', () => {
    expect(match('ocr:fail', aFails)).toBe(true);
    expect(match('ocr:a.fail', aFails)).toBe(true);
    expect(match('ocr:b.fail', aFails)).toBe(false);
    expect(match('ocr:b.pass', aFails)).toBe(true);
    expect(match('ocr:fail', pair())).toBe(false);
    expect(match('ocr:unread', pair())).toBe(true);
    // Not blind: left is A. Blind with this pair's swap: A is drawn on the right.
    expect(matchesFilter(aFails, parseFilter('ocr:left.fail').clauses, { reviewer: 'ana', blind: false })).toBe(true);
    expect(matchesFilter(aFails, parseFilter('ocr:left.fail', { blind: true }).clauses, { reviewer: 'ana', blind: true })).toBe(false);
    expect(matchesFilter(aFails, parseFilter('ocr:right.fail', { blind: true }).clauses, { reviewer: 'ana', blind: true })).toBe(true);
  });

  it('refuses backend letters in blind mode, saying what to type instead', () => {
    const parsed = parseFilter('ocr:a.fail cer:B>0.1', { blind: true });
    expect(parsed.clauses).toEqual([]);
    expect(parsed.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/blind mode hides which side is A: .*ocr:left\.fail/),
      expect.stringMatching(/blind mode hides which side is B/),
    ]);
  });

  it('compares CER and matches the language of the expected text', () => {
    expect(match('cer>0.1', aFails)).toBe(true);
    expect(match('cer>0.3', aFails)).toBe(false);
    expect(match('cer:B>0.1', aFails)).toBe(false);
    expect(match('cer>10%', aFails)).toBe(true);
    expect(match('lang:zh', pair())).toBe(true);
    expect(match('lang:en', pair())).toBe(false);
    expect(match('lang:en', pair({ expectedText: ['GRAND OPENING'] }))).toBe(true);
    expect(parseFilter('lang:fr').errors[0]?.message).toMatch(/unknown language/);
    expect(parseFilter('ocr:broken').errors[0]?.message).toMatch(/unknown text-check value/);
  });

  it('matches per-side tags with tag:', () => {
    const p = pair({ verdicts: [verdict({ tags: [], sideTags: { A: ['text.misspelled'], B: [] } })] });
    expect(match('tag:text.misspelled', p)).toBe(true);
    expect(match('is:tagged', p)).toBe(true);
  });
});

