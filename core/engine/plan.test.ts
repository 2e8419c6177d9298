import { describe, it, expect } from 'vitest';
import type { RunParams, Suite, SuiteCase } from '../../shared/model.ts';
import { editOutputSize, layerParams, planJobs } from './plan.ts';

const ID = 'ab'.repeat(32);

function suiteCase(over: Partial<SuiteCase>): SuiteCase {
  return { id: 'c', category: 'edit', inputs: [ID], turns: [{ prompt: 'p', expectedText: [] }], params: {}, tags: [], ...over };
}

const params = (over: Partial<RunParams> = {}): RunParams => ({ overrides: {}, repeats: 1, retries: 0, ...over });

describe('editOutputSize', () => {
  it('keeps the aspect ratio at about a megapixel, sides multiples of 16 (as Qwen-Image-Edit picks)', () => {
    expect(editOutputSize({ width: 1920, height: 1080 })).toEqual({ width: 1376, height: 768 });
    expect(editOutputSize({ width: 512, height: 512 })).toEqual({ width: 1024, height: 1024 });
    expect(editOutputSize({ width: 1080, height: 1920 })).toEqual({ width: 768, height: 1376 });
    expect(editOutputSize({ width: 4000, height: 3000 })).toEqual({ width: 1184, height: 896 });
  });

  it('gives multiples of 16 near the target area for many ratios', () => {
    for (let w = 100; w <= 4000; w += 137) {
      for (const h of [90, 333, 1000, 2500]) {
        const out = editOutputSize({ width: w, height: h });
        expect(out.width % 16, `${w}x${h}`).toBe(0);
        expect(out.height % 16, `${w}x${h}`).toBe(0);
        const ratioError = Math.abs(out.width / out.height - w / h) / (w / h);
        if (out.width > 64 && out.height > 64) expect(ratioError, `${w}x${h}`).toBeLessThan(0.1);
      }
    }
  });

  it('never returns a zero side for extreme ratios, and rejects empty inputs', () => {
    expect(editOutputSize({ width: 10_000, height: 1 }).height).toBe(16);
    expect(() => editOutputSize({ width: 0, height: 10 })).toThrow(/not a positive/);
  });
});

describe('layerParams', () => {
  it('lets later layers win but never with undefined', () => {
    expect(layerParams({ seed: 1, steps: 2 }, { steps: 3, size: '16x16' }, { seed: undefined, trueCfgScale: 4 })).toEqual({
      seed: 1,
      steps: 3,
      size: '16x16',
      trueCfgScale: 4,
    });
  });
});

describe('planJobs', () => {
  const suite: Suite = {
    name: 's',
    defaults: { steps: 30, trueCfgScale: 4 },
    cases: [
      suiteCase({
        id: 'chain',
        category: 'multi-turn',
        turns: [
          { prompt: 'one', negativePrompt: 'blurry', expectedText: [] },
          { prompt: 'two', expectedText: [] },
        ],
        params: { seed: 7 },
      }),
      suiteCase({ id: 'gen', category: 'generation', inputs: [] }),
    ],
  };

  it('makes one job per case × turn × repeat × side with stable ids', () => {
    const jobs = planJobs(suite, params({ repeats: 2 }), () => ({ width: 1920, height: 1080 }));
    expect(jobs.map((j) => j.id)).toEqual([
      'chain#t1#r1#A', 'chain#t1#r1#B', 'chain#t1#r2#A', 'chain#t1#r2#B',
      'chain#t2#r1#A', 'chain#t2#r1#B', 'chain#t2#r2#A', 'chain#t2#r2#B',
      'gen#t1#r1#A', 'gen#t1#r1#B', 'gen#t1#r2#A', 'gen#t1#r2#B',
    ]);
    expect(jobs.every((j) => j.status === 'pending' && j.attempts === 0)).toBe(true);
    expect(jobs[5]).toMatchObject({ caseId: 'chain', side: 'B', turn: 2, repeat: 1 });
  });

  it('layers built-ins < suite defaults < case params < overrides', () => {
    const [first, , , , turn2] = planJobs(suite, params({ repeats: 2 }), () => ({ width: 1920, height: 1080 }));
    expect(first?.request).toEqual({ prompt: 'one', negativePrompt: 'blurry', seed: 7, steps: 30, trueCfgScale: 4, size: '1376x768' });
    expect(turn2?.request).toEqual({ prompt: 'two', seed: 7, steps: 30, trueCfgScale: 4, size: '1376x768' });

    const overridden = planJobs(suite, params({ overrides: { seed: 9, size: '512x512' } }), () => null);
    expect(overridden[0]?.request).toMatchObject({ seed: 9, steps: 30, size: '512x512' });
    expect(overridden.at(-1)?.request).toMatchObject({ seed: 9, size: '512x512' });
  });

  it('uses seed 42, 50 steps and the server default cfg when nothing is given', () => {
    const bare: Suite = { name: 's', defaults: {}, cases: [suiteCase({ id: 'g', category: 'generation', inputs: [] })] };
    const [job] = planJobs(bare, params(), () => null);
    expect(job?.request).toEqual({ prompt: 'p', seed: 42, steps: 50, size: '1024x1024' });
    expect(job?.request).not.toHaveProperty('trueCfgScale');
  });

  it('gives every repeat the same request', () => {
    const jobs = planJobs(suite, params({ repeats: 3 }), () => ({ width: 800, height: 600 }));
    const chainA = jobs.filter((j) => j.caseId === 'chain' && j.side === 'A' && j.turn === 1);
    expect(chainA).toHaveLength(3);
    expect(new Set(chainA.map((j) => JSON.stringify(j.request))).size).toBe(1);
  });

  it('asks for the input size of the case, and explains when it is unknown', () => {
    const asked: string[] = [];
    planJobs(suite, params(), (id) => (asked.push(id), { width: 10, height: 10 }));
    expect(asked).toEqual(['chain']);
    expect(() => planJobs(suite, params(), () => null)).toThrow(/case "chain": cannot choose an output size.*params\.size/);
  });
});
