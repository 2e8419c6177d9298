/**
 * Side A's pipeline: the split vLLM-Omni stages encode → denoise → decode, with small inter-stage transfers.
 * Encode costs the same whatever else is running; denoise steps are shared by every request in the stage
 * (continuous batching), each step costing base × (1 + 0.35 (k − 1)) for k requests.
 */
import { rememberShownText, type SimContext } from './context.ts';
import { runDenoise } from './denoise-loop.ts';
import { mulberry32 } from '../../../shared/random.ts';
import { hash32 } from './hash.ts';
import { timedStage } from './lifecycle.ts';
import type { RawRgb } from './raster.ts';
import { applyEdit, encodeImage, prepareBase } from './render.ts';
import { renderJobOf, type ImageJob } from './serve-image.ts';
import { batchedStepS, jitter, modelA, peakMemoryA, workShapeOf } from './timing.ts';

export interface PipelineAResult {
  b64: string;
  mime: string;
  width: number;
  height: number;
  /** Seconds, keyed encode / denoise / decode: the timing model's figures (seeded), whatever the host's load. */
  stageDurations: { encode: number; denoise: number; decode: number };
  peakMemoryMb: number;
}

export async function runPipelineA(ctx: SimContext, job: ImageJob, format: 'png' | 'jpeg' | 'webp'): Promise<PipelineAResult> {
  const r = job.request;
  const { life } = ctx;
  const scaleMs = 1000 * ctx.timeScale;
  const shape = workShapeOf(r);
  const images = shape.images;
  const m = modelA(shape);
  const j = (stage: string): number => jitter(ctx.kind, job.identity, job.attempt, stage);
  const renderJob = renderJobOf(ctx, job);

  const encode = await timedStage(life, m.encodeS * scaleMs * j('encode'), job.signal, () => prepareBase(renderJob));
  await life.sleep(m.transferToDenoiseS * scaleMs, job.signal);

  let kMax = 1;
  const stepRng = mulberry32(hash32('steps', ctx.kind, job.identity, job.attempt));
  const denoiseJitter = j('denoise');
  // The step is shared by every image in flight: this request brings its n.
  ctx.activeDenoise += images;
  let denoise;
  try {
    denoise = await runDenoise(
      life,
      job.signal,
      r.steps,
      () => {
        const k = ctx.activeDenoise;
        kMax = Math.max(kMax, k);
        return batchedStepS(m.denoiseStepS, k) * scaleMs * denoiseJitter * (0.99 + 0.02 * stepRng());
      },
      () => applyEdit(encode.value as RawRgb, renderJob),
    );
  } finally {
    ctx.activeDenoise -= images;
  }
  await life.sleep(m.transferToDecodeS * scaleMs, job.signal);

  const image = denoise.value.image;
  const decode = await timedStage(life, m.decodeS * scaleMs * j('decode'), job.signal, async () => {
    const out = await encodeImage(image, format);
    rememberShownText(ctx, out.bytes, denoise.value.shownText);
    return { b64: out.bytes.toString('base64'), mime: out.mime };
  });
  const encoded = decode.value!;
  return {
    b64: encoded.b64,
    mime: encoded.mime,
    width: image.width,
    height: image.height,
    // The timing model's figures, not the wall clock: a busy host makes the sleeps overrun, never the numbers.
    stageDurations: { encode: seconds(encode.modelMs), denoise: seconds(denoise.modelMs), decode: seconds(decode.modelMs) },
    peakMemoryMb: peakMemoryA(r.width, r.height, kMax),
  };
}

function seconds(ms: number): number {
  return Math.round(ms * 1000) / 1e6;
}
