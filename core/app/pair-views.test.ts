import { describe, expect, it } from 'vitest';
import { jobId, type Job, type JobResult } from '../../shared/model.ts';
import type { OcrRead } from '../../shared/ocr-read.ts';
import { sampleRunConfig } from '../store/testing.ts';
import { buildPairViews } from './pair-views.ts';

const IMG = { A: 'a'.repeat(64), B: 'b'.repeat(64) } as const;

function job(side: 'A' | 'B'): Job {
  return { id: jobId('gen-1', side, 1, 1), caseId: 'gen-1', side, turn: 1, repeat: 1, status: 'ok', attempts: 1, request: { prompt: 'p', seed: 1, steps: 1, size: '64x64' } };
}

function result(side: 'A' | 'B'): JobResult {
  return {
    jobId: jobId('gen-1', side, 1, 1), caseId: 'gen-1', side, turn: 1, repeat: 1, status: 'ok', imageId: IMG[side], width: 64, height: 64, requestedSize: '64x64',
    timings: { e2eMs: 5, stages: {} }, peakMemoryMb: null, endpoint: 'POST /v1/images/generations', attempts: 1, startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:01.000Z',
  };
}

function read(side: 'A' | 'B', text: string): OcrRead {
  return { imageId: IMG[side], expected: 'HELLO', engine: 'test-double 1', lines: [{ text, confidence: 0.9, box: { x: 2, y: 3, width: 40, height: 10 } }], width: 64, height: 64, ms: 7 };
}

describe('pair views: text checks per side', () => {
  const base = { config: sampleRunConfig(), jobs: [job('A'), job('B')], results: [result('A'), result('B')], comparisons: [], verdicts: [] };

  it('scores each side against the turn\'s expected text and suggests tags for the side that failed', () => {
    const [pair] = buildPairViews({ ...base, ocrReads: [read('A', 'HELO'), read('B', 'HELLO')] });
    expect(pair?.A.text).toMatchObject({ expected: 'HELLO', recognized: 'HELO', pass: false, suggestedTags: ['text.misspelled'], lang: 'en' });
    expect(pair?.A.text?.cer).toBeCloseTo(0.2);
    expect(pair?.A.text?.alignment.some((s) => s.op === 'missing')).toBe(true);
    expect(pair?.B.text).toMatchObject({ pass: true, suggestedTags: [], cer: 0 });
  });

  it('has no text check for an output that was not read (OCR off, or still to come)', () => {
    const [pair] = buildPairViews({ ...base, ocrReads: [read('A', 'HELLO')] });
    expect(pair?.A.text?.pass).toBe(true);
    expect(pair?.B.text).toBeNull();
    expect(buildPairViews(base)[0]?.A.text).toBeNull();
  });
});
