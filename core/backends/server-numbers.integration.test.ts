/**
 * Finding 6 of issue 9, end to end through `omni-review run` against a server that is not our simulator:
 * - stage keys `constructor` / `toString` became stages named "function Object() { [native code] }";
 * - a negative peak_memory_mb was stored and printed, and 1e300 was shown verbatim;
 * - a bare NaN (Python's json.dumps default) made the whole response "not valid JSON" and its good image was lost.
 * Now the keys are plain names, bad numbers are dropped with a note on the result, and NaN is read as null.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Report } from '../../shared/report.ts';
import type { CliIo } from '../cli/io.ts';
import { main } from '../cli/main.ts';
import { memoryStream } from '../cli/testing.ts';
import { loadRecorded, recordedRoutes, startReplayServer } from './testing/replay-server.ts';

const TINY = fileURLToPath(new URL('../../fixtures/suites/testdata/tiny.yaml', import.meta.url));

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-numbers-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('keeps the image, names odd stage keys verbatim and drops bad numbers with a note', async () => {
  const recorded = loadRecorded('vllm-omni/current', 'generations').body as { data: Array<{ b64_json: string }> };
  const b64 = recorded.data[0]?.b64_json ?? '';
  // What a Python server writes with json.dumps' defaults: bare NaN, and whatever its profiler produced.
  const bodyText =
    `{"created": 1767225600, "data": [{"b64_json": "${b64}", "url": null, "revised_prompt": "say \\"NaN\\""}], ` +
    `"metrics": {"stage_durations": {"constructor": 0.5, "toString": 0.25, "QwenImagePipeline.diffuse": 1e300, ` +
    `"QwenImagePipeline.vae.decode": NaN, "QwenImagePipeline.text_encoder.forward": -0.1, "QwenImagePipeline.vae.encode": 0.03}, ` +
    `"peak_memory_mb": -512}}`;
  const reply = { status: 200, bodyText };
  const replay = await startReplayServer({ routes: { ...recordedRoutes('vllm-omni/current'), 'POST /v1/images/edits': reply, 'POST /v1/images/generations': reply } });
  try {
    const out = join(work, 'run');
    const stdout = memoryStream();
    const stderr = memoryStream();
    const code = await main(['run', '--suite', TINY, '--out', out, '--a', replay.url, '--quiet', '--sim-time-scale', '0.002'], { stdout, stderr } satisfies CliIo);
    expect(stderr.text()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    for (const pair of report.pairs) {
      const a = pair.A;
      expect(a.status).toBe('ok');
      expect(a.image).not.toBeNull();
      expect(a.timings.stages.constructor).toBeCloseTo(500, 6);
      expect(a.timings.stages.toString).toBeCloseTo(250, 6);
      expect(a.timings.stages.vae_encode).toBeCloseTo(30, 6);
      expect(Object.keys(a.timings.stages).sort()).toEqual(['constructor', 'download', 'toString', 'upload', 'vae_encode']);
      expect(JSON.stringify(report)).not.toContain('native code');
      expect(a.peakMemoryMb).toBeNull();
      expect(a.timings.serverStageDurations).toEqual({ constructor: 0.5, toString: 0.25, 'QwenImagePipeline.vae.encode': 0.03 });
      expect(a.notes).toEqual([
        "the response held 1 bare NaN/Infinity value (not JSON; Python's json.dumps default), read as null and dropped",
        'metrics stage_durations.QwenImagePipeline.diffuse is 1e+300 s, more than 86400 s; dropped',
        'metrics stage_durations.QwenImagePipeline.text_encoder.forward is negative (-0.1); dropped',
        'metrics peak_memory_mb is negative (-512); dropped',
      ]);
    }
    expect(report.summary.peakMemoryMb?.A ?? null).toBeNull();
  } finally {
    await replay.close();
  }
});
