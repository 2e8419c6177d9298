/**
 * The simulators report their timing model's figures, whatever the host's load: the same seeded request gives the
 * same stage_durations (and B's metrics.timings stages) on an idle process and on one whose event loop is blocked
 * in the middle of the request, which makes every sleep overrun.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer } from './server.ts';
import { editForm, fixturePng } from './test-support.ts';
import type { SimServer } from './types.ts';

// Two servers per side: a repeated request is a new attempt to a sim (other jitter), so each run gets a fresh one.
let sims: Record<'A' | 'B', [SimServer, SimServer]>;
let input: Buffer;

beforeAll(async () => {
  const [a1, a2, b1, b2, png] = await Promise.all([
    startSimServer({ kind: 'vllm-omni', timeScale: 0.02 }),
    startSimServer({ kind: 'vllm-omni', timeScale: 0.02 }),
    startSimServer({ kind: 'diffusers', timeScale: 0.02 }),
    startSimServer({ kind: 'diffusers', timeScale: 0.02 }),
    fixturePng('fixtures/images/astronaut.png', 128, 128),
  ]);
  sims = { A: [a1, a2], B: [b1, b2] };
  input = png;
});
afterAll(async () => {
  await Promise.all([...sims.A, ...sims.B].map((s) => s.close()));
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function edit(sim: SimServer, hog: boolean): Promise<{ body: Json }> {
  const fields = { prompt: 'Add a sign that says "OPEN"', size: '128x128', seed: 7, num_inference_steps: 6, negative_prompt: ' ', true_cfg_scale: 4 };
  // Block this process (server included) for 150 ms once the request is under way: every stage's sleep overruns.
  let blocked = 0;
  const timer = hog
    ? setTimeout(() => {
        const until = performance.now() + 150;
        while (performance.now() < until) blocked++;
      }, 5)
    : undefined;
  const res = await fetch(`${sim.url}/v1/images/edits`, { method: 'POST', body: editForm(fields, [{ bytes: input }]) });
  clearTimeout(timer);
  const body = (await res.json()) as Json;
  expect(res.status).toBe(200);
  if (hog) expect(blocked).toBeGreaterThan(0);
  return { body };
}

function durationsOf(body: Json): Record<string, number> {
  return (body.metrics?.stage_durations ?? body.stage_durations) as Record<string, number>;
}

describe('simulated timings are modelled, not measured', () => {
  for (const side of ['A', 'B'] as const) {
    it(`side ${side}: a blocked event loop changes the wall clock, not the reported stages`, async () => {
      const idle = await edit(sims[side][0], false);
      const busy = await edit(sims[side][1], true);
      expect(Object.keys(durationsOf(idle.body)).length).toBeGreaterThanOrEqual(3);
      expect(durationsOf(busy.body)).toEqual(durationsOf(idle.body));
      if (side === 'B') {
        const t = (x: Json): Json => x.metrics.timings as Json;
        for (const k of ['preprocess', 'text_encode', 'vae_encode', 'denoise', 'vae_decode', 'postprocess', 'encode_response', 'pipeline_total']) {
          expect(t(busy.body)[k]).toBe(t(idle.body)[k]);
        }
      }
    });
  }
});
