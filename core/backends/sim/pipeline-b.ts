/**
 * Side B's pipeline: the diffusers baseline server, one request at a time, timed stage by stage the way the baseline
 * hooks its pipeline (reference/diffusers-qwen-image-edit.md §2, §6).
 */
import { rememberShownText, type SimContext } from './context.ts';
import { distribute, runDenoise } from './denoise-loop.ts';
import { mulberry32 } from '../../../shared/random.ts';
import { hash32 } from './hash.ts';
import { timedStage } from './lifecycle.ts';
import type { RawRgb } from './raster.ts';
import { applyEdit, encodeImage, prepareBase } from './render.ts';
import { renderJobOf, type ImageJob } from './serve-image.ts';
import { jitter, modelB, peakMemoryB, promptTokens, visionTokens, workShapeOf } from './timing.ts';

export interface PipelineBResult {
  b64: string;
  width: number;
  height: number;
  stageDurations: Record<string, number>;
  timings: Record<string, unknown>;
  peakMemoryMb: number;
  peakMemoryAllocatedMb: number;
  /** The pipeline class that ran. */
  pipeline: string;
  conditionSize: [number, number] | null;
  imageSeqLen: number;
  textSeqLen: number;
}

export interface PipelineBOptions {
  pipeline: string;
  stepTimings: boolean;
  /** The condition image size the pipeline computes (edits), [width, height]. */
  conditionSize: [number, number] | null;
}

function ms3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export async function runPipelineB(ctx: SimContext, job: ImageJob, options: PipelineBOptions): Promise<PipelineBResult> {
  const r = job.request;
  const { life } = ctx;
  const scale = ctx.timeScale;
  const shape = workShapeOf(r);
  const images = shape.images;
  const m = modelB(shape);
  const j = (stage: string): number => jitter(ctx.kind, job.identity, job.attempt, stage);
  const rng = mulberry32(hash32('b-steps', job.identity, job.attempt));
  const renderJob = renderJobOf(ctx, job);

  const pre = await timedStage(life, m.preprocessMs * scale * j('preprocess'), job.signal, () => prepareBase(renderJob));

  const visionTok = options.conditionSize ? visionTokens(options.conditionSize[0], options.conditionSize[1]) : 0;
  const textSeqLen = (visionTok > 0 ? visionTok + 2 : 0) + shape.promptTokens + 5;
  const negSeqLen = (visionTok > 0 ? visionTok + 2 : 0) + promptTokens(r.negativePrompt ?? ' ') + 5;
  const textCalls: Array<{ branch: string; total: number; forward: number; seq_len: number }> = [];
  for (let call = 0; call < m.textEncodeCalls; call++) {
    const branch = call === 0 ? 'positive' : 'negative';
    const t = await timedStage(life, m.textEncodeCallMs * scale * j(`text_encode.${branch}`), job.signal);
    // The processor's CPU work is the part of encode_prompt outside the encoder's forward.
    textCalls.push({ branch, total: ms3(t.modelMs), forward: ms3(t.modelMs * (0.92 + 0.04 * rng())), seq_len: call === 0 ? textSeqLen : negSeqLen });
  }
  const textEncodeMs = textCalls.reduce((a, c) => a + c.total, 0);

  const vaeEncode = r.mode === 'edit' ? await timedStage(life, m.vaeEncodeMs * scale * j('vae_encode'), job.signal) : null;
  const prepareLatents = await timedStage(life, m.prepareLatentsMs * scale * j('prepare_latents'), job.signal);
  const timestepsMs = m.timestepsMs * scale;
  await life.sleep(timestepsMs, job.signal);

  const denoiseJitter = j('denoise');
  const denoise = await runDenoise(
    life,
    job.signal,
    r.steps,
    () => m.denoiseStepMs * scale * denoiseJitter * (0.99 + 0.02 * rng()),
    () => applyEdit(pre.value as RawRgb, renderJob),
  );
  const stepMs = distribute(denoise.modelMs, denoise.stepTargetsMs);
  const vaeDecode = await timedStage(life, m.vaeDecodeMs * scale * j('vae_decode'), job.signal);
  const post = await timedStage(life, m.postprocessMs * scale * j('postprocess'), job.signal);

  const image = denoise.value.image;
  const encoded = await timedStage(life, m.encodeResponseMs * scale * j('encode_response'), job.signal, async () => {
    const out = await encodeImage(image, r.outputFormat);
    rememberShownText(ctx, out.bytes, denoise.value.shownText);
    return out.bytes.toString('base64');
  });

  // Every figure below is the timing model's (seeded), not the wall clock: on a busy host the sleeps overrun, the
  // numbers do not. Only queue_wait and decode_request are measured (the sim's own queue and request parsing).
  const stagesSum = pre.modelMs + textEncodeMs + (vaeEncode?.modelMs ?? 0) + prepareLatents.modelMs + denoise.modelMs + vaeDecode.modelMs + post.modelMs;
  const pipelineTotal = stagesSum + timestepsMs;
  const total = job.queueWaitMs + (job.parsedAt - job.arrivedAt) + pipelineTotal + encoded.modelMs;
  const passes = m.transformerPassesPerStep;
  const timings: Record<string, unknown> = {
    unit: 'ms',
    method: 'simulated',
    warm: job.warm,
    queue_wait: ms3(job.queueWaitMs),
    decode_request: ms3(job.parsedAt - job.arrivedAt),
    preprocess: ms3(pre.modelMs),
    text_encode: ms3(textEncodeMs),
    text_encode_calls: textCalls,
    vae_encode: ms3(vaeEncode?.modelMs ?? 0),
    prepare_latents: ms3(prepareLatents.modelMs),
    denoise: ms3(denoise.modelMs),
    ...(options.stepTimings
      ? {
          denoise_steps: stepMs.map(ms3),
          transformer_forward: {
            cond: stepMs.map((s) => ms3((s * 0.98) / passes)),
            uncond: passes === 2 ? stepMs.map((s) => ms3((s * 0.98) / passes)) : [],
          },
        }
      : {}),
    transformer_calls: r.steps * passes,
    vae_decode: ms3(vaeDecode.modelMs),
    postprocess: ms3(post.modelMs),
    encode_response: ms3(encoded.modelMs),
    pipeline_total: ms3(pipelineTotal),
    total: ms3(total),
    unaccounted: ms3(Math.max(0, pipelineTotal - stagesSum)),
  };

  const P = options.pipeline;
  const s = (ms: number): number => Math.round(ms * 1000) / 1e6;
  const stageDurations: Record<string, number> = {
    [`${P}.text_encoder.forward`]: s(textCalls.reduce((a, c) => a + c.forward, 0)),
    ...(vaeEncode ? { [`${P}.vae.encode`]: s(vaeEncode.modelMs) } : {}),
    [`${P}.diffuse`]: s(denoise.modelMs),
    [`${P}.vae.decode`]: s(vaeDecode.modelMs),
    [`${P}.forward`]: s(pipelineTotal),
  };
  const memory = peakMemoryB(r.width, r.height, r.cfg, images);
  return {
    b64: encoded.value!,
    width: image.width,
    height: image.height,
    stageDurations,
    timings,
    peakMemoryMb: memory.reserved,
    peakMemoryAllocatedMb: memory.allocated,
    pipeline: P,
    conditionSize: options.conditionSize,
    imageSeqLen: (r.width / 16) * (r.height / 16),
    textSeqLen,
  };
}
