import { describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildReport } from './build.ts';
import { renderHtmlReport } from './html.ts';
import { renderCsvReport } from './csv.ts';
import { sampleRunConfig, solidPng, tempDir } from '../store/testing.ts';
import { jobId, type Job, type JobResult } from '../../shared/model.ts';
import type { OcrRead } from '../../shared/ocr-read.ts';
import { textPassCounts } from '../../shared/text-summary.ts';

const IMG = { A: 'a'.repeat(64), B: 'b'.repeat(64) } as const;
const job = (side: 'A' | 'B'): Job => ({ id: jobId('gen-1', side, 1, 1), caseId: 'gen-1', side, turn: 1, repeat: 1, status: 'ok', attempts: 1, request: { prompt: 'p', seed: 1, steps: 1, size: '64x64' } });
const result = (side: 'A' | 'B'): JobResult => ({
  jobId: jobId('gen-1', side, 1, 1), caseId: 'gen-1', side, turn: 1, repeat: 1, status: 'ok', imageId: IMG[side], width: 64, height: 64, requestedSize: '64x64',
  timings: { e2eMs: 5, stages: {} }, peakMemoryMb: null, endpoint: 'POST /v1/images/generations', attempts: 1, startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:01.000Z',
});
const read = (side: 'A' | 'B', text: string): OcrRead => ({ imageId: IMG[side], expected: 'HELLO', engine: 'test-double 1', lines: [{ text, confidence: 0.9, box: { x: 2, y: 3, width: 40, height: 10 } }], width: 64, height: 64, ms: 7 });

function report(reads: OcrRead[] | undefined, config = sampleRunConfig()) {
  return buildReport({
    config, jobs: [job('A'), job('B')], results: [result('A'), result('B')], comparisons: [], verdicts: [], servers: { A: null, B: null },
    imageRelPath: (id) => `images/${id.slice(0, 2)}/${id}.png`, ...(reads ? { ocrReads: reads } : {}), generatedAt: '2025-01-01T00:00:02.000Z', toolVersion: 'test',
  });
}

describe('reports: text rendering (issue 11)', () => {
  it('carries each side\'s text check, the summary, and the per-side pass counts', () => {
    const r = report([read('A', 'HELO'), read('B', 'HELLO')]);
    const [pair] = r.pairs;
    expect(pair?.A.text).toMatchObject({ pass: false, suggestedTags: ['text.misspelled'], recognized: 'HELO' });
    expect(pair?.B.text).toMatchObject({ pass: true });
    expect(r.summary.text?.A.all).toMatchObject({ n: 1, pass: 0 });
    expect(r.summary.text?.B.byLang.en).toMatchObject({ n: 1, pass: 1 });
    expect(r.summary.text?.agreement).toMatchObject({ pairs: 1, onlyAFails: 1, bothPass: 0 });
    expect(textPassCounts(r.pairs)).toEqual({ A: { pass: 0, total: 1 }, B: { pass: 1, total: 1 } });
  });

  it('scores with the turn\'s source text: the side still showing it is suggested text.source_kept, in the JSON and the page', async () => {
    const config = sampleRunConfig();
    const turn = config.suite.cases[0]!.turns[0]!;
    turn.sourceText = ['GOODBYE'];
    const r = report([read('A', 'GOODBYE'), read('B', 'HELLO')], config);
    expect(r.pairs[0]?.A.text).toMatchObject({ source: 'GOODBYE', pass: false });
    expect(r.pairs[0]?.A.text?.suggestedTags).toContain('text.source_kept');
    expect(r.pairs[0]?.B.text).toMatchObject({ source: 'GOODBYE', pass: true, suggestedTags: [] });
    const { dir, cleanup } = await tempDir('text-report-source');
    try {
      const page = await renderHtmlReport(r, { reportDir: dir });
      expect(page).toMatch(/source <q class="text-source">GOODBYE<\/q>/);
      expect(page).toMatch(/suggested [^<]*text\.source_kept/);
      expect(renderCsvReport(r)).toContain('text.source_kept');
    } finally {
      await cleanup();
    }
  });

  it('renders the section with the failure and a crop of its text region, and CSV columns per side', async () => {
    const r = report([read('A', 'HELO'), read('B', 'HELLO')]);
    const { dir, cleanup } = await tempDir('text-report');
    try {
      // The output beside the report, as a run folder holds it.
      const rel = r.pairs[0]!.A.image!;
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), await solidPng(64, 64, [200, 30, 30]));
      const page = await renderHtmlReport(r, { reportDir: dir });
      expect(page).toContain('id="text-rendering"');
      expect(page).toMatch(/<li class="text-failure" data-pair="gen-1#t1#r1" data-side="A">/);
      expect(page).not.toMatch(/data-side="B"/);
      // A crop of the OCR box (40×10 px, padded), embedded: the page stays self-contained.
      expect(page).toMatch(/<img class="text-crop" src="data:image\/webp;base64,[A-Za-z0-9+/=]+" width="\d+" height="\d+" alt="read: HELO"/);
      // The crop and the output's thumbnail are kept in report-cache/; the next render gives the same page and
      // makes nothing new (thumbnails.test.ts shows entries are read back rather than made again).
      const cached = await readdir(join(dir, 'report-cache'));
      expect(cached.filter((n) => n.endsWith('.webp'))).toHaveLength(1);
      expect(cached.filter((n) => n.endsWith('.avif'))).toHaveLength(1);
      expect(await renderHtmlReport(r, { reportDir: dir })).toBe(page);
      expect(await readdir(join(dir, 'report-cache'))).toEqual(cached);
    } finally {
      await cleanup();
    }
    const csv = renderCsvReport(r).split('\r\n');
    const header = csv[0]!.split(',');
    const row = csv[1]!.split(',');
    expect(row[header.indexOf('text_pass_A')]).toBe('false');
    expect(row[header.indexOf('text_pass_B')]).toBe('true');
    expect(row[header.indexOf('text_suggested_tags_A')]).toBe('text.misspelled');
  });

  it('leaves the report as before when nothing was read', async () => {
    const r = report(undefined);
    expect(r.summary.text).toBeUndefined();
    expect(r.pairs[0]?.A.text).toBeUndefined();
    expect(await renderHtmlReport(r, { reportDir: '/nonexistent-report-dir' })).not.toContain('id="text-rendering"');
  });
});
