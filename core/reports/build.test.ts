import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../shared/report.ts';
import { buildReport } from './build.ts';
import { config, errorResult, imageId, job, okResult, reportInput, suite, verdict } from './test-fixtures/report-input.ts';

describe('buildReport', () => {
  it('produces a report that satisfies ReportSchema', () => {
    const report = buildReport(reportInput());
    expect(() => ReportSchema.parse(report)).not.toThrow();
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'omni-review', version: '0.1.0' });
    expect(report.generatedAt).toBe('2025-01-02T05:00:00.000Z');
  });

  it('has one pair per case × turn × repeat, in suite order', () => {
    const report = buildReport(reportInput());
    expect(report.pairs.map((p) => p.key)).toEqual(['poster#t1#r1', 'chain#t1#r1', 'chain#t2#r1', 'gen#t1#r1']);
    const twice = buildReport(reportInput({ config: config({ params: { overrides: {}, repeats: 2, retries: 0 } }) }));
    // Repeat-major inside a case, so each multi-turn chain reads contiguously.
    expect(twice.pairs.map((p) => p.key)).toEqual([
      'poster#t1#r1',
      'poster#t1#r2',
      'chain#t1#r1',
      'chain#t2#r1',
      'chain#t1#r2',
      'chain#t2#r2',
      'gen#t1#r1',
      'gen#t1#r2',
    ]);
  });

  it('carries the required pair fields: prompt, expected text, category, relative image paths', () => {
    const report = buildReport(reportInput());
    const poster = report.pairs[0];
    expect(poster).toMatchObject({
      caseId: 'poster',
      title: 'Poster text',
      turn: 1,
      turns: 1,
      repeat: 1,
      category: 'text-rendering',
      prompt: 'Write "GRAND OPENING" on the sign',
      expectedText: ['GRAND OPENING'],
      sources: [`images/${imageId('poster-input').slice(0, 2)}/${imageId('poster-input')}.png`],
    });
    expect(poster?.A).toMatchObject({
      status: 'ok',
      error: null,
      image: `images/${imageId('poster-A-1-1').slice(0, 2)}/${imageId('poster-A-1-1')}.png`,
      width: 512,
      height: 512,
      timings: { e2eMs: 300, stages: { text_encode: 50, denoise: 200, vae_decode: 30 } },
      peakMemoryMb: 1000,
    });
    const chain2 = report.pairs[2];
    expect(chain2?.negativePrompt).toBe('blurry');
  });

  it('maps each side to ok / error / skipped / pending from its result or job', () => {
    const report = buildReport(reportInput());
    const [, , chain2, gen] = report.pairs;
    expect(chain2?.A.status).toBe('ok');
    expect(chain2?.B.status).toBe('error');
    expect(chain2?.B.error?.message).toMatch(/CUDA out of memory/);
    expect(chain2?.B.image).toBeNull();
    expect(gen?.A).toMatchObject({ status: 'skipped', image: null, timings: { e2eMs: null, stages: {} } });
    expect(gen?.B).toMatchObject({ status: 'pending', requestedSize: '512x512', attempts: 0 });
    expect(report.run.status).toBe('partial');
  });

  it('treats a skipped-kind error result as skipped, and a side with no job at all as pending', () => {
    const input = reportInput();
    input.results.push(errorResult('gen', 'A', 1, 'skipped: turn 1 failed', 'skipped'));
    input.jobs = input.jobs.filter((j) => !(j.caseId === 'gen' && j.side === 'B'));
    const gen = buildReport(input).pairs[3];
    expect(gen?.A.status).toBe('skipped');
    expect(gen?.A.error?.message).toBe('skipped: turn 1 failed');
    // No job: the size it would ask for comes from suite defaults (gen has no size of its own).
    expect(gen?.B).toMatchObject({ status: 'pending', requestedSize: '512x512' });
  });

  it('is complete when every side finished (ok, error or skipped)', () => {
    const input = reportInput();
    input.results.push(okResult('gen', 'B', 1, 900, {}));
    expect(buildReport(input).run.status).toBe('complete');
  });

  it('uses the last finished result when a job has several', () => {
    const input = reportInput();
    const retry = okResult('chain', 'B', 2, 1400, { denoise: 1300 });
    retry.finishedAt = '2025-01-02T03:05:00.000Z';
    input.results.push(retry);
    expect(buildReport(input).pairs[2]?.B).toMatchObject({ status: 'ok', timings: { e2eMs: 1400 } });
  });

  it('attaches the comparison (heatmap as a relative path), vs-source diffs and verdicts in time order', () => {
    const report = buildReport(reportInput());
    const poster = report.pairs[0];
    const heat = imageId('heat-poster-1');
    expect(poster?.diff).toMatchObject({
      pixels: 1024,
      ratio: 1024 / (512 * 512),
      heatmap: `images/${heat.slice(0, 2)}/${heat}.png`,
      ssim: 0.95,
      psnr: 31.5,
      identical: false,
      bounds: { x: 10, y: 20, width: 32, height: 32 },
      sizeMismatch: null,
    });
    expect(poster?.vsSource.A).toMatchObject({ pixels: 1024, sourceResizedFrom: null });
    expect(poster?.vsSource.B).toBeNull();
    expect(poster?.verdicts.map((v) => v.reviewer)).toEqual(['bo', 'ana']);
    expect(report.pairs[1]?.diff).toBeNull();
  });

  it('summarises latency per side over ok jobs and the improvement over pairs where both are ok', () => {
    const { summary } = buildReport(reportInput());
    expect(summary.pairs).toBe(4);
    expect(summary.bothOk).toBe(2);
    expect(summary.errors).toEqual({ A: 0, B: 1 });
    // A ok: 300, 500, 700; B ok: 1200, 1000.
    expect(summary.e2eMs.A).toEqual({ n: 3, mean: 500, p50: 500, p95: 680 });
    expect(summary.e2eMs.B).toEqual({ n: 2, mean: 1100, p50: 1100, p95: 1190 });
    // Paired (poster, chain t1): A 300, 500 → 400; B 1200, 1000 → 1100; (1100 − 400) / 1100.
    expect(summary.pairedE2eMs?.A.mean).toBe(400);
    expect(summary.pairedE2eMs?.B.mean).toBe(1100);
    expect(summary.improvement).toBeCloseTo(700 / 1100, 12);
  });

  it('summarises stage means in pipeline order, peak memory, diff, SSIM and verdict counts', () => {
    const { summary } = buildReport(reportInput());
    expect(summary.stageMeansMs.A).toEqual({ text_encode: 50, denoise: 400, vae_decode: 30 });
    expect(Object.keys(summary.stageMeansMs.B)).toEqual(['text_encode', 'denoise', 'vae_decode', 'prepare_latents']);
    expect(summary.stageMeansMs.B.denoise).toBe(850);
    expect(summary.peakMemoryMb).toEqual({ A: 1500, B: 3000 });
    expect(summary.meanDiffRatio).toBeCloseTo(1024 / (512 * 512), 12);
    expect(summary.meanSsim).toBe(0.95);
    expect(summary.verdicts).toEqual({ A_better: 1, B_better: 0, tie: 1, both_bad: 0, skip: 0 });
  });

  it('adds review aggregates: rates over the latest verdict per reviewer, agreement between reviewers', () => {
    const input = reportInput({
      verdicts: [
        verdict('poster', 1, 'tie', { id: 'old', createdAt: '2025-01-02T03:00:00.000Z' }),
        verdict('poster', 1, 'A_better', { id: 'ana-poster' }),
        verdict('poster', 1, 'A_better', { id: 'bo-poster', reviewer: 'bo' }),
        verdict('chain', 1, 'B_better', { id: 'ana-chain', blind: true, swapped: true }),
        verdict('chain', 1, 'tie', { id: 'bo-chain', reviewer: 'bo' }),
        verdict('chain', 2, 'skip', { id: 'ana-skip' }),
      ],
    });
    const review = buildReport(input).summary.review;
    expect(review).toMatchObject({ pairsJudged: 2, judgements: 4, reviewers: ['ana', 'bo'] });
    expect(review?.rates.A_better).toMatchObject({ k: 2, n: 4, rate: 0.5 });
    expect(review?.rates.tie).toMatchObject({ k: 1, n: 4 });
    // The one blind decisive verdict picked B while B was on the left.
    expect(review?.leftWins).toMatchObject({ k: 1, n: 1, rate: 1 });
    expect(review?.agreement).toMatchObject({ pairs: 2, observed: 0.5 });
    // p_o 0.5; p_e = P(ana A) × P(bo A) = 0.25 → κ = 0.25 / 0.75.
    expect(review?.agreement.cohen).toEqual([{ reviewers: ['ana', 'bo'], n: 2, observed: 0.5, kappa: expect.closeTo(1 / 3, 12) }]);
  });

  it('has null improvement and empty summaries when no pair has both sides ok', () => {
    const input = reportInput({ results: [], comparisons: [], verdicts: [] });
    const { summary } = buildReport(input);
    expect(summary.improvement).toBeNull();
    expect(summary.e2eMs.A).toEqual({ n: 0, mean: null, p50: null, p95: null });
    expect(summary.meanDiffRatio).toBeNull();
    expect(summary.peakMemoryMb).toEqual({ A: null, B: null });
  });

  it('describes the run: suite, backends with kind, url, simulated and server info, params', () => {
    const { run } = buildReport(reportInput());
    expect(run.suite).toEqual({ name: 'demo suite', source: 'fixtures/suites/demo.yaml', cases: 3 });
    expect(run.backends.A).toMatchObject({ kind: 'vllm-omni', url: 'http://127.0.0.1:8091', simulated: true });
    expect(run.backends.A.server?.generation).toBe('current');
    expect(run.backends.B).toMatchObject({ kind: 'diffusers', simulated: true, server: null });
    expect(run.params).toEqual({ repeats: 1, retries: 1, overrides: {} });
  });

  it('falls back to the job request size, then to overrides over case params over suite defaults', () => {
    const s = suite();
    const input = reportInput({
      config: config({ suite: s, params: { overrides: { size: '640x480' }, repeats: 1, retries: 0 } }),
      jobs: [job('poster', 'A', 1, 'pending', '800x600')],
      results: [],
    });
    const report = buildReport(input);
    expect(report.pairs[0]?.A.requestedSize).toBe('800x600');
    expect(report.pairs[0]?.B.requestedSize).toBe('640x480');
  });
});
