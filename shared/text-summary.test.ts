import { describe, expect, it } from 'vitest';
import type { SideTextCheck } from './ocr-view.ts';
import { textPassCounts, textSummary } from './text-summary.ts';

function check(pass: boolean, cer: number, lang: SideTextCheck['lang'] = 'en'): SideTextCheck {
  return { engine: 'e', ms: 1, width: 8, height: 8, lines: [], usedLines: [], expected: 'x', recognized: 'x', lang, cer, ned: 1 - cer, wordAccuracy: null, charAccuracy: null, bagOfWordsRecall: 1, pass, suggestedTags: [], alignment: [] };
}

describe('text summary', () => {
  // 20 pairs: A fails every 4th (CER 0.5), B fails every 10th; Chinese on odd pairs; pair 19 has B unread.
  const pairs = Array.from({ length: 20 }, (_, i) => ({
    A: { text: check(i % 4 !== 3, i % 4 === 3 ? 0.5 : 0, i % 2 ? 'zh' : 'en') },
    B: { text: i === 19 ? null : check(i % 10 !== 9, i % 10 === 9 ? 0.2 : 0, i % 2 ? 'zh' : 'en') },
  }));

  it('counts passes per side (issue 13 headline input)', () => {
    expect(textPassCounts(pairs)).toEqual({ A: { pass: 15, total: 20 }, B: { pass: 18, total: 19 } });
  });

  it('gives pass rate and mean CER with intervals that hold the point value, per side and language', () => {
    const s = textSummary(pairs, { resamples: 500 });
    expect(s.A.all.passRate.value).toBeCloseTo(0.75);
    expect(s.A.all.meanCer.value).toBeCloseTo((5 * 0.5) / 20);
    for (const v of [s.A.all.passRate, s.A.all.meanCer, s.B.all.passRate]) {
      expect(v.lo).not.toBeNull();
      expect(v.lo!).toBeLessThanOrEqual(v.value!);
      expect(v.hi!).toBeGreaterThanOrEqual(v.value!);
    }
    expect(s.A.byLang.zh?.n).toBe(10);
    expect(s.A.byLang.en?.n).toBe(10);
    expect(s.A.byLang.mixed).toBeUndefined();
  });

  it('measures agreement on the pairs read on both sides', () => {
    const s = textSummary(pairs, { resamples: 200 });
    // Pairs 0..18: A fails at 3,7,11,15; B fails at 9 → both fail never; agree on 19 − 5 = 14.
    expect(s.agreement).toMatchObject({ pairs: 19, bothFail: 0, onlyAFails: 4, onlyBFails: 1, bothPass: 14 });
    expect(s.agreement.rate.value).toBeCloseTo(14 / 19);
  });

  it('is reproducible for a seed', () => {
    expect(textSummary(pairs, { resamples: 300, seed: 7 })).toEqual(textSummary(pairs, { resamples: 300, seed: 7 }));
  });
});
