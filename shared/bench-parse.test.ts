import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBenchText, parsePrintedBlocks, parseResultJson } from './bench-parse.ts';
import { BenchInputError, type BenchResult } from './bench-result.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bench/${name}`, import.meta.url), 'utf8');
const parse = (name: string) => parseBenchText(fixture(name), `fixtures/bench/${name}`);

function only(results: BenchResult[]): BenchResult {
  expect(results).toHaveLength(1);
  return results[0] as BenchResult;
}

/** Every key a printed block gave must be in the saved JSON of the same run, equal to the printed digits. */
function expectPrintedMatchesJson(printed: BenchResult, saved: BenchResult, skip: string[] = []) {
  for (const [key, value] of Object.entries(printed.metrics)) {
    if (skip.includes(key)) continue;
    expect(saved.metrics, `JSON lacks ${key}`).toHaveProperty(key);
    const fromJson = saved.metrics[key];
    if (typeof value === 'number' && typeof fromJson === 'number') expect(Math.abs(fromJson - value), key).toBeLessThanOrEqual(0.005 + 1e-9);
    else expect(fromJson, key).toEqual(value);
  }
}

describe('printed blocks across vLLM versions', () => {
  it('benchmark_serving.py, 2024 (v0.4 line): input token throughput and P99 rows', () => {
    const r = only(parse('vllm-v0.4-benchmark-serving.txt'));
    expect(r.kind).toBe('printed');
    expect(r.lineNumber).toBe(4);
    expect(r.heading).toBeNull(); // only vLLM's own log lines above it
    expect(r.metrics).toMatchObject({
      completed: 200,
      duration: 21.48,
      total_input_tokens: 43811,
      total_output_tokens: 39912,
      request_throughput: 9.31,
      input_throughput: 2039.47,
      output_throughput: 1857.96,
      mean_ttft_ms: 1623.42,
      median_ttft_ms: 1544.07,
      p99_ttft_ms: 3880.55,
      mean_tpot_ms: 52.11,
      p99_itl_ms: 210.45,
      request_rate: 'inf', // from "Traffic request rate: inf" above the block
    });
    expect(r.layout).toMatch(/2024/);
    expect(r.unparsed).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('team notes (v0.8 layout): one result per block, named by the markdown heading above it', () => {
    const [before, after] = parse('notes-ascend-before-after.md') as [BenchResult, BenchResult];
    expect(before.heading).toBe('Before (ascend 优化)');
    expect(after.heading).toBe('After (ascend 优化)');
    expect(before.name).toBe('Before (ascend 优化)');
    expect(before.lineNumber).toBe(12);
    expect(after.lineNumber).toBe(54);
    expect(before.metrics).toMatchObject({
      request_rate: 4,
      burstiness: 1,
      max_concurrency: 8,
      total_token_throughput: 2502.47,
      p50_ttft_ms: 398.1,
      p90_ttft_ms: 566.02,
      p99_e2el_ms: 11890.4,
      mean_e2el_ms: 8270.51,
    });
    expect(after.metrics.mean_ttft_ms).toBe(301.9);
    expect(before.layout).toMatch(/total token throughput/);
  });

  it('keeps an unknown line inside a block with its line number and section', () => {
    const [before, after] = parse('notes-ascend-before-after.md') as [BenchResult, BenchResult];
    expect(before.unparsed).toEqual([]);
    expect(after.unparsed).toEqual([{ line: 'Total generated tokens (retokenized):    32790', lineNumber: 62, section: null }]);
  });

  it('vllm bench serve (serve.py): failed count, configured rate, peak rows, client queueing sections', () => {
    const r = only(parse('vllm-bench-serve-2026.txt'));
    expect(r.heading).toBeNull();
    expect(r.metrics).toMatchObject({
      completed: 98,
      failed: 2,
      max_concurrency: 4,
      request_rate: 2,
      burstiness: 1,
      max_output_tokens_per_s: 412,
      max_concurrent_requests: 4,
      total_token_throughput: 1243.17,
      p99_client_queue_time_ms: 402.77,
      mean_e2el_including_client_queue_ms: 2040.77,
    });
    expect(r.layout).toMatch(/vllm bench serve/);
  });

  it("vLLM-Omni's printer: sub-blocks do not end the block; audio sections keep their attribute names", () => {
    const r = only(parse('vllm-omni-bench-serve.md'));
    expect(r.heading).toBe('Qwen3-Omni, 8 concurrent');
    expect(r.metrics).toMatchObject({
      completed: 64,
      total_input_tokens: 20480,
      mean_e2el_ms: 11200.5,
      mean_audio_ttfp_ms: 1401.2,
      p99_audio_rtf_ms: 455.1,
      total_audio_frames: 14674,
      audio_throughput: 6.6377,
    });
    expect(r.warnings).toEqual([]); // "Peak concurrent requests" twice with the same value is no conflict
    expect(r.layout).toMatch(/vLLM-Omni/);
  });

  it('reads a statistic printed in seconds as milliseconds', () => {
    const text = ['============ Serving Benchmark Result ============', 'Successful requests:  10', 'Mean TTFT (s):   0.1234', '='.repeat(50)].join('\n');
    expect(only(parsePrintedBlocks(text, 'x.txt')).metrics.mean_ttft_ms).toBeCloseTo(123.4, 9);
  });

  it('warns about a block with no closing line and still reads it', () => {
    const text = ['## Run 1', '============ Serving Benchmark Result ============', 'Successful requests:  10', 'Failed requests: 1'].join('\n');
    const r = only(parsePrintedBlocks(text, 'x.md'));
    expect(r.metrics).toEqual({ completed: 10, failed: 1 });
    expect(r.warnings.join()).toMatch(/no closing/);
  });

  it('takes the nearest plain line of text when there is no markdown heading, names untitled blocks by file and number', () => {
    const block = ['============ Serving Benchmark Result ============', 'Successful requests:  10', '='.repeat(50)];
    const rs = parsePrintedBlocks(['Before:', ...block, '', 'After tuning', '```', ...block, '```', ...block].join('\n'), 'notes/x.md');
    expect(rs.map((r) => r.heading)).toEqual(['Before', 'After tuning', null]);
    expect(rs.map((r) => r.name)).toEqual(['Before', 'After tuning', 'x.md #3']);
  });
});

describe('--save-result JSON', () => {
  it('v0.4: the same run as the printed block, and the detail arrays counted, not carried', () => {
    const saved = only(parse('vllm-v0.4-result.json'));
    expect(saved.kind).toBe('json');
    expect(saved.detailOmitted).toMatchObject({ input_lens: 3, ttfts: 3, itls: 3, generated_texts: 3 });
    expect(saved.metrics.best_of).toBe(1);
    expectPrintedMatchesJson(only(parse('vllm-v0.4-benchmark-serving.txt')), saved);
  });

  it('v0.8: reads the "request_goodput:" key that version wrote, and matches the printed Before block', () => {
    const saved = only(parse('vllm-v0.8-result.json'));
    expect(saved.metrics).toHaveProperty('request_goodput', null);
    expect(saved.metrics).not.toHaveProperty('request_goodput:');
    expect(saved.warnings.join()).toMatch(/request_goodput:/);
    const [before] = parse('notes-ascend-before-after.md') as [BenchResult];
    expectPrintedMatchesJson(before, saved);
  });

  it('--append-result: one result per line, named by its label, line numbers kept', () => {
    const rs = parse('vllm-bench-serve-2026-appended.jsonl');
    expect(rs.map((r) => [r.name, r.lineNumber])).toEqual([
      ['baseline', 1],
      ['fused-attn', 2],
    ]);
    expectPrintedMatchesJson(only(parse('vllm-bench-serve-2026.txt')), rs[0] as BenchResult);
  });

  it('reads back what bench import --json printed', () => {
    const rs = parse('notes-ascend-before-after.md');
    expect(parseResultJson(JSON.stringify({ results: rs }), 'r.json')).toEqual(rs);
  });
});

describe('bad input: file, line, what to do', () => {
  const fails = (text: string, source = 'in.txt') => {
    try {
      parseBenchText(text, source);
    } catch (err) {
      expect(err).toBeInstanceOf(BenchInputError);
      return (err as Error).message;
    }
    throw new Error('expected a BenchInputError');
  };

  it('a known row whose value is not a number', () => {
    const msg = fails(['hello', '============ Serving Benchmark Result ============', 'Successful requests:  ten', '='.repeat(50)].join('\n'));
    expect(msg).toMatch(/^in\.txt:3: "Successful requests:" reads "ten"/);
    expect(msg).toMatch(/correct the line/);
  });

  it('an empty file, and a file with neither a block nor JSON', () => {
    expect(fails('  \n')).toMatch(/^in\.txt: the file is empty; pass/);
    expect(fails('just some notes\nno results here')).toMatch(/no "Serving Benchmark Result" block and no JSON found; pass/);
  });

  it('broken JSON names the line', () => {
    expect(fails('{\n  "completed": 10,\n  "failed": oops\n}', 'r.json')).toMatch(/^r\.json:3: not valid JSON/);
    expect(fails('{"completed": 1}\n{"completed": 2,\n', 'r.jsonl')).toMatch(/^r\.jsonl:2: not valid JSON/);
  });

  it('JSON that is not vLLM\'s, a string where a number belongs, the PyTorch format', () => {
    expect(fails('{"hello": 1}', 'r.json')).toMatch(/none of the keys vllm bench serve saves/);
    expect(fails('{"completed": "lots"}', 'r.json')).toMatch(/^r\.json:1: "completed" is "lots", expected a number/);
    expect(fails('[{"benchmark": {"name": "vLLM benchmark"}, "metric": {"name": "p99_ttft_ms"}}]', 'r.pytorch.json')).toMatch(/PyTorch benchmark format/);
  });
});
