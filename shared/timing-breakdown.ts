/**
 * Like for like (DESIGN "Like for like"): one definition of each stage on both sides, and every millisecond of a
 * request in a named bucket. Pure; used by the engine (pair views, reports, CLI) and the renderer.
 *
 * - The **compared stages** are vLLM-Omni's profiler keys, which both servers report in `stage_durations` with the
 *   same semantics: `…text_encoder.forward`, `…vae.encode`, `…diffuse`, `…vae.decode`. The pipeline's `…forward` is
 *   the server's total. The baseline's finer `metrics.timings` are **B detail**: shown, labelled, never put
 *   against an A stage.
 * - The **buckets** of one request: client queue (our own wait for a slot, before the request), upload, the compared
 *   stages, `other (server)` (the server's total minus its stages), `not reported` (the part of the client's wait
 *   for the answer the server accounts for in no figure) and download. They add up to client queue + e2e.
 */
import { canonicalStageName, stagesFromBaselineTimings, stagesFromStageDurations } from './stages.ts';

/** The compared stages, in the documented order of the pipeline (text encoder → VAE encode → diffuse → VAE decode). */
export const COMPARED_STAGES = ['text_encode', 'vae_encode', 'denoise', 'vae_decode'] as const;
export type ComparedStage = (typeof COMPARED_STAGES)[number];

const COMPARED = new Set<string>(COMPARED_STAGES);

/** The profiler key each compared stage comes from (shown in tooltips and docs). */
export const PROFILER_KEY: Readonly<Record<ComparedStage, string>> = {
  text_encode: 'text_encoder.forward',
  vae_encode: 'vae.encode',
  denoise: 'diffuse',
  vae_decode: 'vae.decode',
};

/** "<PipelineClass>.forward": the whole pipeline call, the server's total. */
const PIPELINE_FORWARD = /^[A-Za-z0-9_]+\.forward$/;
const STAGE_FORWARD = /\.(text_encoder|tokenizer|transformer|vae)\.forward$/;

/** The baseline's `metrics.timings` in the order its request runs (baseline/timing.py REQUEST_STAGES). */
export const B_DETAIL_ORDER = [
  'queue_wait',
  'decode_request',
  'preprocess',
  'text_encode',
  'vae_encode',
  'prepare_latents',
  'denoise',
  'vae_decode',
  'postprocess',
  'encode_response',
] as const;

/** What a stored result's timings must offer (a structural subset of shared/model.ts's Timings). */
export interface TimingsLike {
  e2eMs: number;
  stages: Readonly<Record<string, number>>;
  clientWaitMs?: number | undefined;
  serverStageDurations?: Readonly<Record<string, number>> | undefined;
  serverTimings?: Readonly<Record<string, unknown>> | undefined;
}

/** One side's timings on the one definition. */
export interface SideTiming {
  /** Server stages from `stage_durations` (canonical names, ms): the compared ones and any other key verbatim. */
  server: Record<string, number>;
  /** The pipeline's `forward` (ms): the server's total, null when not reported. */
  serverTotalMs: number | null;
  /** The baseline's `metrics.timings` stages (ms), B's detail; null when the server sent none. */
  detail: Record<string, number> | null;
}

function finiteNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** The server's total from `stage_durations`: the pipeline's own `forward` key (seconds → ms). */
export function pipelineForwardMs(stageDurations: Readonly<Record<string, number>> | undefined): number | null {
  if (!stageDurations) return null;
  let total: number | null = null;
  for (const key of Object.keys(stageDurations)) {
    const v = stageDurations[key];
    if (!PIPELINE_FORWARD.test(key) || STAGE_FORWARD.test(key) || canonicalStageName(key) !== key) continue;
    if (finiteNonNegative(v)) total = (total ?? 0) + v * 1000;
  }
  return total;
}

/** `denoise_step` runs inside `diffuse`: a bucket of its own would count the same time twice. */
function withoutNested(stageDurations: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(stageDurations)) if (!/(^|\.)denoise_step$/.test(key)) out[key] = stageDurations[key] as number;
  return out;
}

export function sideTiming(t: TimingsLike): SideTiming {
  const server = t.serverStageDurations ? stagesFromStageDurations(withoutNested(t.serverStageDurations)) : {};
  const detail = t.serverTimings ? stagesFromBaselineTimings(t.serverTimings) : null;
  return { server, serverTotalMs: pipelineForwardMs(t.serverStageDurations), detail: detail && Object.keys(detail).length > 0 ? detail : null };
}

export type BucketKind = 'client' | 'stage' | 'other-server' | 'not-reported';

export interface Bucket {
  key: string;
  label: string;
  kind: BucketKind;
  ms: number;
  /** ms from the start of the side's timeline (client queue, when any, starts at 0). */
  startMs: number;
  /**
   * `measured`: placed by client clocks (upload starts when the request is issued, download ends at the last byte);
   * `documented`: the server gives durations, not start times, so the segment sits in the pipeline's documented order.
   */
  placement: 'measured' | 'documented';
}

export interface BucketInput {
  e2eMs: number;
  clientWaitMs?: number | null | undefined;
  uploadMs?: number | null | undefined;
  downloadMs?: number | null | undefined;
  /** Server stages (canonical names, ms): the compared stages come first in pipeline order, any other after. */
  server: Readonly<Record<string, number>>;
  serverTotalMs: number | null;
}

export interface Breakdown {
  buckets: Bucket[];
  /** Sum of the buckets: client queue + e2e. */
  totalMs: number;
  e2eMs: number;
  /** The client's wait for the answer: e2e − upload − download. */
  serverWindowMs: number;
}

export const BUCKET_LABELS: Readonly<Record<string, string>> = {
  client_queue: 'client queue',
  upload: 'upload',
  other_server: 'other (server)',
  not_reported: 'not reported',
  download: 'download',
};

/** Server stages in display order: compared stages in pipeline order, then other keys alphabetically. */
export function orderedServerStages(server: Readonly<Record<string, number>>): Array<[string, number]> {
  const names = Object.keys(server).filter((k) => finiteNonNegative(server[k]));
  const rank = (n: string): number => {
    const i = (COMPARED_STAGES as readonly string[]).indexOf(n);
    return i === -1 ? COMPARED_STAGES.length : i;
  };
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return names.map((n) => [n, server[n] as number]);
}

/**
 * Every millisecond of one request in a named bucket. The server window (e2e − upload − download) holds the server's
 * stages, `other (server)` = its total − its stages, and `not reported` = the window − the server's total (or − the
 * stages when it reports no total). When a server claims more than the client waited (clocks differ), `not
 * reported` is negative rather than hiding the mismatch: the buckets still add up.
 */
export function breakdown(input: BucketInput): Breakdown {
  const queue = finiteNonNegative(input.clientWaitMs) ? input.clientWaitMs : 0;
  const upload = finiteNonNegative(input.uploadMs) ? input.uploadMs : 0;
  const download = finiteNonNegative(input.downloadMs) ? input.downloadMs : 0;
  const e2e = input.e2eMs;
  const window = e2e - upload - download;
  const stages = orderedServerStages(input.server);
  const stageSum = stages.reduce((s, [, ms]) => s + ms, 0);
  const total = input.serverTotalMs !== null && finiteNonNegative(input.serverTotalMs) ? Math.max(input.serverTotalMs, stageSum) : null;
  const buckets: Bucket[] = [];
  let at = 0;
  const push = (key: string, label: string, kind: BucketKind, ms: number, placement: Bucket['placement']): void => {
    buckets.push({ key, label, kind, ms, startMs: at, placement });
    at += ms;
  };
  if (queue > 0) push('client_queue', BUCKET_LABELS.client_queue!, 'client', queue, 'measured');
  push('upload', BUCKET_LABELS.upload!, 'client', upload, 'measured');
  for (const [name, ms] of stages) push(name, name, 'stage', ms, 'documented');
  if (total !== null) push('other_server', BUCKET_LABELS.other_server!, 'other-server', total - stageSum, 'documented');
  push('not_reported', BUCKET_LABELS.not_reported!, 'not-reported', window - (total ?? stageSum), 'documented');
  // Download ends at the last byte: place it by the client's clock.
  buckets.push({ key: 'download', label: BUCKET_LABELS.download!, kind: 'client', ms: download, startMs: queue + e2e - download, placement: 'measured' });
  return { buckets, totalMs: queue + e2e, e2eMs: e2e, serverWindowMs: window };
}

/** The breakdown of a stored result's timings. */
export function breakdownOf(t: TimingsLike): Breakdown {
  const s = sideTiming(t);
  return breakdown({
    e2eMs: t.e2eMs,
    clientWaitMs: t.clientWaitMs,
    uploadMs: t.stages.upload,
    downloadMs: t.stages.download,
    server: s.server,
    serverTotalMs: s.serverTotalMs,
  });
}

/** B's detail in the order its request runs, then any other key alphabetically. */
export function orderedDetail(detail: Readonly<Record<string, number>>): Array<[string, number]> {
  const order = B_DETAIL_ORDER as readonly string[];
  const rank = (n: string): number => (order.includes(n) ? order.indexOf(n) : order.length);
  return Object.keys(detail)
    .filter((k) => finiteNonNegative(detail[k]))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((k) => [k, detail[k] as number]);
}

/** Is this stage one of the compared profiler stages? */
export function isComparedStage(name: string): boolean {
  return COMPARED.has(name);
}
