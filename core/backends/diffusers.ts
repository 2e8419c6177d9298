/**
 * Side B: our diffusers baseline server (baseline/). It mirrors vLLM-Omni's current image API (same endpoints and
 * field names; reference/diffusers-qwen-image-edit.md §6), so it is the OpenAI-style image adapter
 * (./openai-images/) with its own detection: GET /v1/baseline/info says what runs (pipeline, dtype, device,
 * versions), and there is no chat endpoint to fall back to. Its `metrics.timings` block (ms) is mapped by
 * ./openai-images/timings.ts.
 */
import { z } from 'zod';
import { snippet } from './errors.ts';
import { tryParseJson } from './openai-images/decode.ts';
import { OpenAiImageAdapter, PATHS, type AdapterOptions, type ModelsProbe } from './openai-images/adapter.ts';

const BaselineInfoSchema = z.looseObject({
  pipeline: z.string().optional(),
  model: z.string().optional(),
  tiny: z.boolean().optional(),
  dtype: z.string().optional(),
  device: z.string().optional(),
  attention_backend: z.string().optional(),
  compiled: z.boolean().optional(),
  cpu_offload: z.boolean().optional(),
  mm_token_type_ids_fix: z.boolean().optional(),
  simulated: z.boolean().optional(),
  versions: z.record(z.string(), z.unknown()).optional(),
});

/** GET /v1/baseline/info → one line for ServerInfo.notes; null when the body is not such an object. */
export function summarizeBaselineInfo(json: unknown): string | null {
  const parsed = BaselineInfoSchema.safeParse(json);
  if (!parsed.success) return null;
  const i = parsed.data;
  const parts: string[] = [];
  parts.push(`${i.pipeline ?? 'unknown pipeline'}${i.model ? ` (${i.model})` : ''}`);
  // A simulator says so first: its "weights" claim describes the model it imitates, not what ran.
  if (i.simulated) parts.push('SIMULATED: no model ran; images and timings come from the simulator');
  else if (i.tiny !== undefined) parts.push(i.tiny ? 'tiny random weights: timings show structure, not real speed' : 'real weights');
  if (i.dtype || i.device) parts.push([i.dtype, i.device].filter(Boolean).join(' on '));
  if (i.attention_backend) parts.push(`attention ${i.attention_backend}`);
  if (i.compiled !== undefined) parts.push(i.compiled ? 'torch.compile on' : 'not compiled');
  if (i.cpu_offload) parts.push('CPU offload on');
  if (i.mm_token_type_ids_fix !== undefined) parts.push(`mm_token_type_ids fix ${i.mm_token_type_ids_fix ? 'on' : 'off'}`);
  if (i.versions) {
    const v = Object.entries(i.versions)
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([name, value]) => `${name} ${String(value)}`);
    if (v.length) parts.push(v.join(', '));
  }
  return `baseline: ${parts.join('; ')}`;
}

export class DiffusersAdapter extends OpenAiImageAdapter {
  constructor(baseUrl: string, options: AdapterOptions = {}) {
    // No chat fallback: the baseline serves only the images endpoints.
    super('diffusers', baseUrl, options);
  }

  protected override async detect(_models: ModelsProbe, signal: AbortSignal | undefined): Promise<void> {
    this.info.generation = 'baseline';
    this.info.editPath = PATHS.edits;
    this.info.generatePath = PATHS.generations;
    const res = await this.probe(PATHS.baselineInfo, signal);
    const text = res.body.toString('utf8');
    const summary = res.status === 200 ? summarizeBaselineInfo(tryParseJson(text)) : null;
    this.info.notes.push(
      summary ??
        `GET /v1/baseline/info → ${res.status}${text ? ` (${snippet(text, 80)})` : ''}: this may not be the Omni Review baseline server; using /v1/images/edits and /v1/images/generations anyway`,
    );
  }
}
