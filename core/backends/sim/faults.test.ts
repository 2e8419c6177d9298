import { describe, expect, it } from 'vitest';
import { checkText } from '../../../shared/text-metrics.ts';
import { SOURCE_KEPT_SHARE, applyTextFault, applyTypo, decideFaults, describeFaults, faultFires, formatFaultSpec, keepsSourceText, parseFaultSpec } from './faults.ts';
import { mulberry32 } from '../../../shared/random.ts';
import { FAULT_NAMES } from './types.ts';

describe('parseFaultSpec', () => {
  it('parses names with probabilities and percentages', () => {
    expect(parseFaultSpec('typo=0.3,5xx=0.1')).toEqual({ typo: 0.3, '5xx': 0.1 });
    expect(parseFaultSpec(' slow-body = 25% , timeout=1 ')).toEqual({ 'slow-body': 0.25, timeout: 1 });
    expect(parseFaultSpec('Wrong-Size=0')).toEqual({ 'wrong-size': 0 });
  });

  it('treats empty, none and off as no faults', () => {
    expect(parseFaultSpec('')).toEqual({});
    expect(parseFaultSpec('  none ')).toEqual({});
    expect(parseFaultSpec('off')).toEqual({});
  });

  it('names the valid faults when a name is unknown', () => {
    expect(() => parseFaultSpec('typo=0.1,tpyo=0.2')).toThrow(/unknown fault "tpyo".*valid names: typo, wrong-size, blank, 5xx, timeout, malformed-json, slow-body/);
  });

  it('rejects bad probabilities, missing values and duplicates with the offending part', () => {
    expect(() => parseFaultSpec('typo=1.5')).toThrow(/probability of "typo" must be a number from 0 to 1.*got "1.5"/);
    expect(() => parseFaultSpec('typo=abc')).toThrow(/got "abc"/);
    expect(() => parseFaultSpec('typo=')).toThrow(/got ""/);
    expect(() => parseFaultSpec('blank=-0.1')).toThrow(/got "-0.1"/);
    expect(() => parseFaultSpec('blank=150%')).toThrow(/got "150%"/);
    expect(() => parseFaultSpec('typo')).toThrow(/"typo" must look like name=probability/);
    expect(() => parseFaultSpec('typo=0.1,typo=0.2')).toThrow(/"typo" is given twice/);
  });

  it('round-trips through formatFaultSpec', () => {
    const profile = parseFaultSpec('timeout=0.05,typo=0.3');
    expect(parseFaultSpec(formatFaultSpec(profile))).toEqual(profile);
  });
});

describe('describeFaults', () => {
  it('lists active faults in a stable order as percentages', () => {
    expect(describeFaults({ '5xx': 0.1, typo: 0.3 })).toBe('typo 30 %, 5xx 10 %');
    expect(describeFaults({ blank: 0.125 })).toBe('blank 12.5 %');
  });

  it('says so when nothing is active', () => {
    expect(describeFaults({})).toBe('no faults');
    expect(describeFaults({ typo: 0 })).toBe('no faults');
  });
});

describe('fault decisions', () => {
  it('always fires at probability 1 and never at 0', () => {
    expect(decideFaults({ blank: 1, typo: 0 }, 'id', 1, 'vllm-omni')).toEqual(new Set(['blank']));
    expect(faultFires(undefined, 'typo', 'id', 1, 'diffusers')).toBe(false);
  });

  it('is deterministic per (identity, attempt, fault, kind) and varies with the attempt', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => faultFires(0.5, '5xx', 'request-x', n, 'vllm-omni'));
    const b = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => faultFires(0.5, '5xx', 'request-x', n, 'vllm-omni'));
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set([true, false]));
  });

  it('fires at about the requested rate over many requests', () => {
    let fired = 0;
    for (let i = 0; i < 4000; i++) if (faultFires(0.3, 'typo', `req-${i}`, 1, 'diffusers')) fired++;
    expect(fired / 4000).toBeGreaterThan(0.27);
    expect(fired / 4000).toBeLessThan(0.33);
  });

  it('decides each fault independently', () => {
    const all = Object.fromEntries(FAULT_NAMES.map((n) => [n, 0.5]));
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add([...decideFaults(all, `r${i}`, 1, 'vllm-omni')].sort().join('+'));
    expect(seen.size).toBeGreaterThan(20);
  });
});

describe('applyTypo', () => {
  function editDistanceAtMostTwo(a: string, b: string): boolean {
    // One substitution, one deletion, or one adjacent swap.
    const x = [...a];
    const y = [...b];
    if (x.length === y.length) {
      const diff = x.map((c, i) => (c === y[i] ? -1 : i)).filter((i) => i >= 0);
      if (diff.length === 1) return true;
      return diff.length === 2 && diff[1] === diff[0]! + 1 ? x[diff[0]!] === y[diff[1]!] && x[diff[1]!] === y[diff[0]!] : false;
    }
    if (x.length === y.length + 1) {
      for (let i = 0; i < x.length; i++) if ([...x.slice(0, i), ...x.slice(i + 1)].join('') === b) return true;
    }
    return false;
  }

  it('always changes Latin text by exactly one small edit', () => {
    for (let seed = 0; seed < 200; seed++) {
      const out = applyTypo('OPEN 24 HOURS', mulberry32(seed));
      expect(out).not.toBe('OPEN 24 HOURS');
      expect(editDistanceAtMostTwo('OPEN 24 HOURS', out)).toBe(true);
    }
  });

  it('uses all three kinds of typo', () => {
    const lengths = new Set<number>();
    let swaps = 0;
    for (let seed = 0; seed < 100; seed++) {
      const out = applyTypo('Grand Opening', mulberry32(seed));
      lengths.add(out.length);
      if (out.length === 13 && [...out].sort().join('') === [...'Grand Opening'].sort().join('')) swaps++;
    }
    expect(lengths).toEqual(new Set([12, 13]));
    expect(swaps).toBeGreaterThan(0);
  });

  it('replaces a CJK character with a different CJK character, keeping the length', () => {
    for (let seed = 0; seed < 50; seed++) {
      const out = applyTypo('欢迎光临', mulberry32(seed));
      expect([...out]).toHaveLength(4);
      expect(out).not.toBe('欢迎光临');
      expect(out).toMatch(/^\p{Script=Han}{4}$/u);
    }
  });

  it('leaves text without visible characters alone', () => {
    expect(applyTypo('', mulberry32(1))).toBe('');
    expect(applyTypo('   ', mulberry32(1))).toBe('   ');
  });

  it('still changes a single repeated letter', () => {
    expect(applyTypo('aaaa', mulberry32(3))).not.toBe('aaaa');
    expect(applyTypo('A', mulberry32(3))).not.toBe('A');
  });
});

describe('applyTextFault', () => {
  const TEXTS = ['GRAND OPENING SALE', 'Fresh Coffee', 'OPEN', '欢迎光临', '新年快乐 万事如意'];

  it('draws every kind of text failure, seeded, and always changes the text', () => {
    const kinds = new Map<string, number>();
    for (const text of TEXTS) {
      for (let seed = 0; seed < 60; seed++) {
        const a = applyTextFault(text, mulberry32(seed));
        expect(applyTextFault(text, mulberry32(seed))).toEqual(a);
        expect(a.text).not.toBe(text);
        kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
      }
    }
    expect([...kinds.keys()].sort()).toEqual(['extra', 'garbled', 'missing', 'misspelled']);
    expect(kinds.get('misspelled')!).toBeGreaterThan(kinds.get('extra')!);
  });

  it('draws what the text check then tags as that kind', () => {
    let agree = 0;
    let total = 0;
    for (const text of TEXTS) {
      for (let seed = 0; seed < 40; seed++) {
        const { text: drawn, kind } = applyTextFault(text, mulberry32(seed));
        const check = checkText({ expected: text, lines: drawn ? [{ text: drawn }] : [] });
        expect(check.pass).toBe(false);
        total += 1;
        if (check.tags.includes(`text.${kind}` as never)) agree += 1;
      }
    }
    // Letter soup can by chance keep enough letters to read as misspelled; nearly all must agree.
    expect(agree / total).toBeGreaterThan(0.9);
  });

  it('drops a whole one-word line as missing and keeps CJK text CJK', () => {
    const seeds = Array.from({ length: 200 }, (_, s) => applyTextFault('OPEN', mulberry32(s)));
    expect(seeds.some((r) => r.kind === 'missing' && r.text === '')).toBe(true);
    for (let seed = 0; seed < 50; seed++) {
      const r = applyTextFault('欢迎光临', mulberry32(seed));
      if (r.text) expect(r.text).toMatch(/^\p{Script=Han}+$/u);
    }
  });

  it('leaves text without visible characters alone', () => {
    expect(applyTextFault('  ', mulberry32(1)).text).toBe('  ');
  });
});

describe('keepsSourceText (the typo fault\'s source_kept kind)', () => {
  const ids = Array.from({ length: 400 }, (_, i) => `identity-${i}`);

  it('never fires without a source text, or when the source reads as the new text', () => {
    for (const id of ids) {
      expect(keepsSourceText(undefined, ['TODAY MOCHA'], id)).toBe(false);
      expect(keepsSourceText([], ['TODAY MOCHA'], id)).toBe(false);
      expect(keepsSourceText(['TODAY MOCHA'], ['TODAY MOCHA'], id)).toBe(false);
    }
  });

  it('fires for about SOURCE_KEPT_SHARE of identities when the input shows other text, the same way each time', () => {
    const fired = ids.filter((id) => keepsSourceText(['TODAY FLAT WHITE'], ['TODAY MOCHA'], id));
    expect(fired.length / ids.length).toBeGreaterThan(SOURCE_KEPT_SHARE - 0.08);
    expect(fired.length / ids.length).toBeLessThan(SOURCE_KEPT_SHARE + 0.08);
    expect(ids.filter((id) => keepsSourceText(['TODAY FLAT WHITE'], ['TODAY MOCHA'], id))).toEqual(fired);
  });
});
