import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sweepPoints, type SweepRequestRecord } from '../../shared/sweep.ts';
import { renderSweepCsv, renderSweepHtml, renderSweepMarkdown } from './report.ts';
import { sweepResult } from './results.ts';
import type { SweepConfig } from './store.ts';

const HOSTILE = '<script>alert(1)</script> | =cmd';

function config(): SweepConfig {
  return {
    id: 's1',
    createdAt: '2026-01-01T00:00:00.000Z',
    spec: {
      name: HOSTILE,
      description: null,
      axes: { batch: [1, 4], promptTokens: [64], concurrency: [1, 2], requestRate: [2, 'inf'], burstiness: 1 },
      requests: 2,
      warmup: 0,
      size: '256x256',
      steps: 2,
      seed: 1,
      images: [],
      timeoutMs: 10_000,
    },
    specSource: HOSTILE,
    inputs: [],
    backends: {
      A: { kind: 'vllm-omni', target: 'sim', simulated: true, label: 'vLLM-Omni (simulated)', faults: '' },
      B: { kind: 'diffusers', target: 'http://127.0.0.1:1', simulated: false, label: HOSTILE, faults: '' },
    },
    sides: ['A', 'B'],
    bothAtOnce: false,
    simTimeScale: 0.01,
  };
}

function records(c: SweepConfig): SweepRequestRecord[] {
  let k = 0;
  return sweepPoints(c.spec.axes).flatMap((p) =>
    (['A', 'B'] as const).flatMap((side) =>
      [0, 1].map((index) => ({
        pointId: p.id,
        side,
        index,
        warmup: false,
        session: 0,
        status: 'ok' as const,
        scheduledMs: 0,
        sentMs: index * 10,
        clientWaitMs: 0,
        e2eMs: 100 + 10 * (k++ % 7) + (side === 'B' ? 50 : 0),
        stages: { denoise: 60, text_encode: 10, upload: 1, download: 1 },
        peakMemoryMb: 57_000 + 1500 * p.batch,
        images: p.batch,
        promptTokens: 64,
        promptTokensSource: side === 'B' ? ('server' as const) : ('estimate' as const),
        endpoint: 'POST /v1/images/generations',
        finishedAt: '2026-01-01T00:00:00.000Z',
      })),
    ),
  );
}

describe('sweep reports', () => {
  const c = config();
  const result = sweepResult('/x', c, records(c), { state: 'complete', message: null, current: null, etaMs: null });

  it('html: every string from the spec or a backend is escaped; every chart is drawn; no NaN', () => {
    const html = renderSweepHtml(result, c);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    for (const id of ['throughput-vs-concurrency', 'latency-vs-concurrency', 'throughput-vs-rate', 'latency-vs-rate', 'throughput-vs-batch', 'memory-vs-batch', 'stage-stack']) {
      expect(html).toContain(`<figure id="${id}"><svg`);
    }
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    expect(html).toContain('B is SIMULATED'.replace('B', 'A'));
  });

  it('html: a strict Content-Security-Policy that allows its styles by hash, no inline style attributes and no script', () => {
    const html = renderSweepHtml(result, c);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    // The page's own <style> and the one every inline chart SVG carries: each must be allowed by its hash, or the
    // browser drops it (the charts lose their text colours).
    const styles = new Set([...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!));
    expect(styles.size).toBe(2);
    expect(csp).toMatch(/^default-src 'none'; /);
    for (const style of styles) expect(csp).toContain(`'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(csp).toContain('img-src data:');
    expect(html).not.toMatch(/\sstyle="|<script/);
  });

  it('markdown: the team table, a pipe in a name cannot break a row; estimated tokens are labelled', () => {
    const md = renderSweepMarkdown(result, c);
    expect(md).toContain('| configuration | A (s) | B (s) | difference (s) | improvement (%) | speed-up |');
    expect(md).toContain('# Sweep &lt;script&gt;alert(1)&lt;/script&gt; \\| =cmd');
    expect(md).not.toContain('<script>');
    expect(md).toMatch(/\| A \| .* \| 64 \(estimated\) \|/);
    expect(md).toMatch(/\| B \| .* \| 64 \|$/m);
  });

  it('csv: one row per point and side, every column filled for a complete point', () => {
    const [header, ...rows] = renderSweepCsv(result).trim().split('\r\n');
    const cols = header!.split(',');
    expect(rows).toHaveLength(16);
    const first = rows[0]!.split(',');
    expect(first).toHaveLength(cols.length);
    expect(first[cols.indexOf('e2e_p99_ms')]).not.toBe('');
    expect(first[cols.indexOf('stage_denoise_median_ms')]).toBe('60');
  });
});
