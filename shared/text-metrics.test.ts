import { describe, expect, it } from 'vitest';
import {
  alignText,
  bagOfWordsRecall,
  characterAccuracy,
  characterErrorRate,
  checkText,
  detectLanguage,
  levenshtein,
  nedSimilarity,
  normalizeText,
  scoreText,
  selectRelevantLines,
  textTokens,
  wordAccuracy,
} from './text-metrics.ts';

const lines = (...texts: string[]) => texts.map((text) => ({ text, confidence: 0.9 }));

describe('normalizeText', () => {
  it('folds full-width forms, case and punctuation', () => {
    expect(normalizeText('ＦＲＥＳＨ　Ｃｏｆｆｅｅ！')).toBe('fresh coffee');
    expect(normalizeText("Don't  STOP, believing.")).toBe('dont stop believing');
  });
  it('drops spacing between CJK characters (Tesseract writes "新 年 快乐")', () => {
    expect(normalizeText('新 年 快乐')).toBe(normalizeText('新年快乐'));
    expect(normalizeText('新年快乐，万事如意！')).toBe('新年快乐万事如意');
  });
  it('keeps a space between Latin words but none around CJK characters', () => {
    expect(normalizeText('SALE 大减价 50 OFF')).toBe('sale大减价50 off');
  });
  it('folds Traditional Chinese to Simplified, so a variant form is not an error', () => {
    expect(normalizeText('天增歲月人增壽')).toBe('天增岁月人增寿');
    expect(normalizeText('春滿乾坤福滿門')).toBe(normalizeText('春满乾坤福满门'));
    expect(normalizeText('新年快樂')).toBe('新年快乐');
    // Kana and Latin are left alone.
    expect(normalizeText('ありがとう Café')).toBe('ありがとうcafé');
  });
  it('keeps offsets into the original Traditional text for highlighting', () => {
    const ops = alignText('新年快樂', '新年快乐');
    expect(ops.every((o) => o.op === 'match')).toBe(true);
    expect(ops[3]).toMatchObject({ expected: '乐', expectedStart: 3, expectedEnd: 4 });
  });
  it('maps compatibility digits and keeps accented letters', () => {
    expect(normalizeText('① Café')).toBe('1 café');
    expect(normalizeText('Cafe\u0301')).toBe('café');
  });
});

describe('tokens and language', () => {
  it('splits English into words and Chinese into characters', () => {
    expect(textTokens('Fresh coffee 新年')).toEqual(['fresh', 'coffee', '新', '年']);
  });
  it('detects zh, en and mixed from letters, ignoring digits', () => {
    expect(detectLanguage('欢迎光临 2026')).toBe('zh');
    expect(detectLanguage('GRAND OPENING 50%')).toBe('en');
    expect(detectLanguage('SALE 大减价')).toBe('mixed');
    expect(detectLanguage('2026')).toBe('en');
  });
});

describe('distances and scores', () => {
  it('computes Levenshtein on sequences', () => {
    expect(levenshtein([...'kitten'], [...'sitting'])).toBe(3);
    expect(levenshtein([], [...'abc'])).toBe(3);
  });
  it('CER counts S+D+I over expected characters, spaces excluded, and can exceed 1', () => {
    expect(characterErrorRate('FRESH COFFEE', 'FRESHCOFFEE')).toBe(0);
    expect(characterErrorRate('FRESH COFFEE', 'FRESH COFFE')).toBeCloseTo(1 / 11);
    expect(characterErrorRate('AB', 'XYZWV')).toBeCloseTo(5 / 2);
    expect(characterErrorRate('', '')).toBe(0);
    expect(characterErrorRate('', 'X')).toBe(1);
  });
  it('NED similarity is 1 − Lev/max length', () => {
    expect(nedSimilarity('欢迎光临', '欢将光临')).toBeCloseTo(0.75);
    expect(nedSimilarity('AB', 'XYZWV')).toBeCloseTo(0);
    expect(nedSimilarity('', '')).toBe(1);
  });
  it('word accuracy counts exact English words and is null for Chinese', () => {
    expect(wordAccuracy('GRAND OPENING SALE', 'GRAND OPENING SALF')).toBeCloseTo(2 / 3);
    expect(wordAccuracy('sale sale', 'sale')).toBeCloseTo(1 / 2);
    expect(wordAccuracy('新年快乐', '新年快乐')).toBeNull();
  });
  it('character accuracy counts matched CJK characters and is null for English', () => {
    expect(characterAccuracy('新年快乐', '新年快')).toBeCloseTo(3 / 4);
    expect(characterAccuracy('新年快乐', '新 年 快 乐 啊')).toBe(1);
    expect(characterAccuracy('OPEN', 'OPEN')).toBeNull();
  });
  it('bag-of-words recall ignores order (LongText-Bench)', () => {
    expect(bagOfWordsRecall('fresh hot coffee', 'coffee hot fresh')).toBe(1);
    expect(bagOfWordsRecall('新年快乐', '乐快年')).toBeCloseTo(3 / 4);
    expect(bagOfWordsRecall('fresh coffee', 'fresh cofee')).toBeCloseTo(1 / 2);
  });
  it('scoreText reports counts and language together', () => {
    const s = scoreText('欢迎光临', '欢将光临');
    expect(s.lang).toBe('zh');
    expect(s.counts).toMatchObject({ expected: 4, recognized: 4, match: 3, wrong: 1, missing: 0, extra: 0 });
    expect(s.cer).toBeCloseTo(0.25);
  });
});

describe('alignText', () => {
  it('gives per-character ops with offsets into the original strings', () => {
    const ops = alignText('Fresh Coffee', 'FRESH COFEE!!');
    const kinds = ops.map((o) => o.op);
    expect(kinds.filter((k) => k === 'missing')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'match')).toHaveLength(10);
    const missing = ops.find((o) => o.op === 'missing')!;
    expect('Fresh Coffee'.slice(missing.expectedStart, missing.expectedEnd).toLowerCase()).toBe('f');
  });
  it('marks wrong and extra characters, extra ones placed at an expected offset', () => {
    const ops = alignText('新年快乐', '新年快快乐');
    expect(ops.filter((o) => o.op === 'extra')).toHaveLength(1);
    const extra = ops.find((o) => o.op === 'extra')!;
    expect(extra.recognized).toBe('快');
    expect(extra.expectedAt).toBeGreaterThanOrEqual(2);
    const wrong = alignText('SALE', 'SALF').find((o) => o.op === 'wrong')!;
    expect(wrong).toMatchObject({ expected: 'e', recognized: 'f', expectedStart: 3, expectedEnd: 4 });
  });
  it('maps full-width originals back to their own offsets', () => {
    const ops = alignText('ＯＰＥＮ', 'OPEN');
    expect(ops.every((o) => o.op === 'match')).toBe(true);
    expect(ops.map((o) => o.expectedStart)).toEqual([0, 1, 2, 3]);
  });
});

describe('selectRelevantLines', () => {
  it('leaves unrelated text in the picture out and orders lines by the expected text', () => {
    const used = selectRelevantLines('GRAND OPENING SALE', lines('EXIT', 'SALE', 'GRAND OPENING'), 0.6);
    expect(used).toEqual([2, 1]);
  });
  it('keeps every line when none fits, so garbage is not mistaken for absence', () => {
    expect(selectRelevantLines('新年快乐', lines('QXZW', 'VVK'), 0.6)).toEqual([0, 1]);
  });
});

describe('checkText', () => {
  it('passes Traditional expected text read back in Simplified, and still fails a real wrong character', () => {
    expect(checkText({ expected: '新年快樂', lines: lines('新年快乐') }).pass).toBe(true);
    const wrong = checkText({ expected: '新年快樂', lines: lines('新年快药') });
    expect(wrong.pass).toBe(false);
    expect(wrong.tags).toContain('text.misspelled');
  });
  it('passes exact text regardless of case, width and CJK spacing', () => {
    const r = checkText({ expected: '新年快乐 HAPPY NEW YEAR', lines: lines('happy new year', '新 年 快 乐') });
    expect(r.pass).toBe(true);
    expect(r.tags).toEqual([]);
    expect(r.lang).toBe('mixed');
  });
  it('tags a missing word, and nothing recognised, as missing', () => {
    expect(checkText({ expected: 'FRESH COFFEE', lines: lines('FRESH') }).tags).toEqual(['text.missing']);
    expect(checkText({ expected: 'FRESH COFFEE', lines: [] }).tags).toEqual(['text.missing']);
    expect(checkText({ expected: '欢迎光临', lines: lines('欢光临') }).tags).toEqual(['text.missing']);
  });
  it('tags a changed letter or character as misspelled', () => {
    expect(checkText({ expected: 'FRESH COFFEE', lines: lines('FRESH COFEE') }).tags).toEqual(['text.misspelled']);
    expect(checkText({ expected: '欢迎光临', lines: lines('欢将光临') }).tags).toEqual(['text.misspelled']);
  });
  it('tags an inserted word as extra, not misspelled', () => {
    expect(checkText({ expected: 'FRESH COFFEE', lines: lines('FRESH HOT COFFEE') }).tags).toEqual(['text.extra']);
    expect(checkText({ expected: '欢迎光临', lines: lines('欢迎迎光临') }).tags).toEqual(['text.extra']);
  });
  it('does not read OCR joining words as a missing word', () => {
    expect(checkText({ expected: 'FRESH COFFEE SHOP', lines: lines('FRESHCOFEE SHOP') }).tags).toEqual(['text.misspelled']);
  });
  it('tags unreadable text as garbled', () => {
    const r = checkText({ expected: 'GRAND OPENING', lines: lines('GRXQ 0PKMNWG') });
    expect(r.pass).toBe(false);
    expect(r.tags).toEqual(['text.garbled']);
  });
  it('tags an edit that left the source text in place', () => {
    const r = checkText({ expected: 'CLOSED', sourceText: 'OPEN', lines: lines('OPEN') });
    expect(r.tags).toContain('text.source_kept');
    // The kept text reads nothing like the new one, yet it is legible: kept, not garbled.
    const kept = checkText({ expected: '任务圆满完成', sourceText: '发射成功', lines: lines('发射成功') });
    expect(kept.tags).toEqual(['text.source_kept']);
    const ok = checkText({ expected: 'CLOSED', sourceText: 'OPEN', lines: lines('CLOSED') });
    expect(ok.tags).toEqual([]);
  });
  it('applies thresholds: a small CER passes when allowed', () => {
    expect(checkText({ expected: 'GRAND OPENING SALE', lines: lines('GRAND OPENING SALF') }).pass).toBe(false);
    const lenient = checkText({ expected: 'GRAND OPENING SALE', lines: lines('GRAND OPENING SALF'), thresholds: { maxCer: 0.1, minBagRecall: 0.6 } });
    expect(lenient.pass).toBe(true);
    expect(lenient.tags).toEqual([]);
  });
});

describe('checkText with unrelated text in the picture', () => {
  it('reads short or other-script text that fits nothing as the expected text missing, not garbled', () => {
    expect(checkText({ expected: '春节快乐', lines: lines('No. 27') }).tags).toEqual(['text.missing']);
    expect(checkText({ expected: 'THE LAST STOP', lines: lines('2026') }).tags).toEqual(['text.missing']);
    expect(checkText({ expected: 'THE LAST STOP', lines: lines('QWF BNRX ZLOP') }).tags).toEqual(['text.garbled']);
  });
  it('tags a dropped word as missing even where its letters could align elsewhere', () => {
    expect(checkText({ expected: 'Apple Pie', lines: lines('Apple') }).tags).toEqual(['text.missing']);
  });
  it('tags an added word glued to its neighbour as extra', () => {
    expect(checkText({ expected: 'FRESH COFFEE DAILY', lines: lines('HOTFRESH COFFEEDAILY') }).tags).toEqual(['text.extra']);
    expect(checkText({ expected: 'Night Train', lines: lines('Train Night Train') }).tags).toEqual(['text.extra']);
  });
});
