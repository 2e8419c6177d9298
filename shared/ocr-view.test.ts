import { describe, expect, it } from 'vitest';
import type { OcrRead } from './ocr-read.ts';
import { indexOcrReads, turnTextCheck } from './ocr-view.ts';

const IMG = 'c'.repeat(64);
const read = (expected: string, text: string, engine = 'e 1'): OcrRead => ({
  imageId: IMG,
  expected,
  engine,
  lines: [{ text, confidence: 0.9, box: { x: 0, y: 0, width: 10, height: 4 } }],
  width: 16,
  height: 16,
  ms: 2,
});

describe('turnTextCheck', () => {
  it('scores the read made for the turn\'s expected text, with its source text', () => {
    const reads = indexOcrReads([read('OPEN', 'CLOSED')]);
    const check = turnTextCheck(reads, IMG, { expectedText: ['OPEN'], sourceText: ['CLOSED'] });
    expect(check).toMatchObject({ expected: 'OPEN', source: 'CLOSED', pass: false });
    expect(check?.suggestedTags).toContain('text.source_kept');
    // The same read without a source text: a failure, but not text.source_kept.
    const plain = turnTextCheck(reads, IMG, { expectedText: ['OPEN'] });
    expect(plain?.pass).toBe(false);
    expect(plain?.suggestedTags).not.toContain('text.source_kept');
    expect(plain && 'source' in plain).toBe(false);
    expect(turnTextCheck(reads, IMG, { expectedText: ['OPEN'], sourceText: [] })?.source).toBeUndefined();
  });

  it('joins spans as the reads do, and takes the newest read of an (image, expected text)', () => {
    const reads = indexOcrReads([read('GRAND OPENING', 'GRAND'), read('GRAND OPENING', 'GRAND OPENING', 'e 2')]);
    const check = turnTextCheck(reads, IMG, { expectedText: ['GRAND', ' OPENING '], sourceText: ['CLOSED', 'SALE'] });
    expect(check).toMatchObject({ engine: 'e 2', pass: true, source: 'CLOSED SALE', suggestedTags: [] });
  });

  it('is null without expected text, without an image, or without a read for that text', () => {
    const reads = indexOcrReads([read('OPEN', 'OPEN')]);
    expect(turnTextCheck(reads, IMG, { expectedText: [] })).toBeNull();
    expect(turnTextCheck(reads, null, { expectedText: ['OPEN'] })).toBeNull();
    expect(turnTextCheck(reads, IMG, { expectedText: ['CLOSED'] })).toBeNull();
    expect(turnTextCheck(indexOcrReads(undefined), IMG, { expectedText: ['OPEN'] })).toBeNull();
  });
});
