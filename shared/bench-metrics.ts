/**
 * The metric keys of `vllm bench serve --save-result` and what the printed "Serving Benchmark Result" block calls
 * them, learnt from vLLM's own source across versions (docs/bench-import.md lists which version prints what):
 *   - benchmarks/benchmark_serving.py, 2024 (v0.4 line): "Input token throughput", Mean/Median/P99 only;
 *   - benchmarks/benchmark_serving.py (v0.8 line): "Total Token throughput", --metric-percentiles, E2EL;
 *   - vllm/benchmarks/serve.py (`vllm bench serve`): failed count, configured rate, peak rows, client queueing,
 *     probe, speculative and diffusion decoding sections;
 *   - vLLM-Omni's printer: " Text Result " / " Audio Result " sub-blocks and AUDIO_TTFP / AUDIO_RTF sections.
 * Pure: the CLI and the app read the same table.
 */

import { CANONICAL_STAGES } from './model.ts';

/** How a metric is judged when two results are compared. `setting`: the load asked for, never better or worse. */
export type MetricDirection = 'higher' | 'lower' | 'setting' | 'info';

export type MetricUnit = 'ms' | 's' | 'req/s' | 'tok/s' | 'img/s' | 'count' | 'MiB' | 'percent' | 'number' | 'text';

export interface MetricInfo {
  key: string;
  label: string;
  unit: MetricUnit;
  direction: MetricDirection;
}

/**
 * Printed row label (lower case, single spaces) → --save-result key. Labels that differ only in case across
 * versions ("Total Token throughput" in v0.8, "Total token throughput" later) meet here.
 */
export const PRINTED_LABEL_KEYS: Readonly<Record<string, string>> = {
  'successful requests:': 'completed',
  'failed requests:': 'failed',
  'maximum request concurrency:': 'max_concurrency',
  'max request concurrency:': 'max_concurrency',
  'request rate configured (rps):': 'request_rate',
  'traffic request rate:': 'request_rate',
  'benchmark duration (s):': 'duration',
  'total input tokens:': 'total_input_tokens',
  'total generated tokens:': 'total_output_tokens',
  'request throughput (req/s):': 'request_throughput',
  'request goodput (req/s):': 'request_goodput',
  'input token throughput (tok/s):': 'input_throughput',
  'input throughput (inputs/s):': 'input_sequence_throughput',
  'output token throughput (tok/s):': 'output_throughput',
  'peak output token throughput (tok/s):': 'max_output_tokens_per_s',
  'peak concurrent requests:': 'max_concurrent_requests',
  'total token throughput (tok/s):': 'total_token_throughput',
  'rtfx (inverse real-time factor):': 'rtfx',
  // "Probe Requests" section (serve.py with --probe-request-rate)
  'probe requests completed:': 'probe_completed',
  'probe requests failed:': 'probe_failed',
  'median probe e2el (ms):': 'probe_median_e2el_ms',
  'p99 probe e2el (ms):': 'probe_p99_e2el_ms',
  'max probe e2el (ms):': 'probe_max_e2el_ms',
  // "Speculative Decoding" section
  'acceptance rate (%):': 'spec_decode_acceptance_rate',
  'acceptance length:': 'spec_decode_acceptance_length',
  'drafts:': 'spec_decode_num_drafts',
  'draft tokens:': 'spec_decode_draft_tokens',
  'accepted tokens:': 'spec_decode_accepted_tokens',
  // "Diffusion Decoding" section
  'committed throughput (tok/s):': 'diffusion_committed_throughput',
  'denoising steps per canvas:': 'diffusion_steps_per_canvas',
  'committed per denoising step:': 'diffusion_committed_per_step',
  'committed tokens:': 'diffusion_committed_tokens',
  'denoising steps:': 'diffusion_denoising_steps',
  'canvas positions evaluated:': 'diffusion_canvas_positions',
  // vLLM-Omni " Audio Result " sub-block (keys as its metrics dataclass names them)
  'total audio duration generated(s):': 'total_audio_duration_s',
  'total audio frames generated:': 'total_audio_frames',
  'audio throughput(audio duration/s):': 'audio_throughput',
};

/**
 * The NAME in "Mean NAME (ms):" / "P99 NAME (ms):" → the attribute in `mean_<attr>_ms`. Names not listed are
 * lower-cased with non-alphanumerics as "_" (vLLM-Omni prints `attr.upper()`, so AUDIO_TTFP → audio_ttfp).
 */
export const PRINTED_STAT_NAMES: Readonly<Record<string, string>> = {
  ttft: 'ttft',
  tpot: 'tpot',
  itl: 'itl',
  e2el: 'e2el',
  'client queue time': 'client_queue_time',
  'e2el incl. client queue': 'e2el_including_client_queue',
};

/** Keys that describe the load asked for (shown side by side, never judged). */
const SETTINGS = new Set(['request_rate', 'burstiness', 'max_concurrency', 'num_prompts', 'batch', 'prompt_tokens', 'best_of', 'use_beam_search', 'ramp_up_start_rps', 'ramp_up_end_rps']);
/** Text keys of the saved JSON (date, model, backend, …): carried, shown in import summaries, never compared. */
export const TEXT_KEYS = new Set(['date', 'backend', 'endpoint_type', 'label', 'model_id', 'tokenizer_id', 'ramp_up_strategy']);

const HIGHER = new Set([
  'completed',
  'request_throughput',
  'request_goodput',
  'output_throughput',
  'total_token_throughput',
  'input_throughput',
  'input_sequence_throughput',
  'max_output_tokens_per_s',
  'rtfx',
  'audio_throughput',
  'probe_completed',
  'spec_decode_acceptance_rate',
  'spec_decode_acceptance_length',
  'diffusion_committed_throughput',
  'diffusion_committed_per_step',
  'images_per_s',
]);
const LOWER = new Set(['failed', 'probe_failed', 'peak_memory_mib']);

const UNITS: Readonly<Record<string, MetricUnit>> = {
  request_throughput: 'req/s',
  request_goodput: 'req/s',
  input_sequence_throughput: 'req/s',
  output_throughput: 'tok/s',
  total_token_throughput: 'tok/s',
  input_throughput: 'tok/s',
  max_output_tokens_per_s: 'tok/s',
  diffusion_committed_throughput: 'tok/s',
  images_per_s: 'img/s',
  duration: 's',
  total_audio_duration_s: 's',
  peak_memory_mib: 'MiB',
  spec_decode_acceptance_rate: 'percent',
};

const LABELS: Readonly<Record<string, string>> = {
  completed: 'Successful requests',
  failed: 'Failed requests',
  max_concurrency: 'Maximum request concurrency',
  request_rate: 'Request rate (RPS)',
  burstiness: 'Burstiness',
  num_prompts: 'Prompts',
  batch: 'Batch (images per request)',
  prompt_tokens: 'Prompt tokens',
  duration: 'Benchmark duration',
  total_input_tokens: 'Total input tokens',
  total_output_tokens: 'Total generated tokens',
  request_throughput: 'Request throughput',
  request_goodput: 'Request goodput',
  input_throughput: 'Input token throughput',
  input_sequence_throughput: 'Input throughput',
  output_throughput: 'Output token throughput',
  max_output_tokens_per_s: 'Peak output token throughput',
  max_concurrent_requests: 'Peak concurrent requests',
  total_token_throughput: 'Total token throughput',
  rtfx: 'RTFx',
  images_per_s: 'Image throughput',
  peak_memory_mib: 'Peak GPU memory',
  total_audio_duration_s: 'Total audio duration',
  total_audio_frames: 'Total audio frames',
  audio_throughput: 'Audio throughput (audio s/s)',
};

const STAT_NAMES: Readonly<Record<string, string>> = {
  ttft: 'TTFT',
  tpot: 'TPOT',
  itl: 'ITL',
  e2el: 'E2EL',
  client_queue_time: 'client queue time',
  e2el_including_client_queue: 'E2EL incl. client queue',
  audio_ttfp: 'audio TTFP',
  audio_rtf: 'audio RTF',
};

const STAT_KEY = /^(mean|median|std|p(\d+(?:\.\d+)?))_(.+)_ms$/;

function humanize(key: string): string {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Label, unit and better-direction of any --save-result key (unknown keys: a readable label, judged never). */
export function metricInfo(key: string): MetricInfo {
  const stat = STAT_KEY.exec(key);
  if (stat && !key.startsWith('probe_')) {
    const [, kind, p, attr] = stat as unknown as [string, string, string | undefined, string];
    const name = STAT_NAMES[attr] ?? attr.replace(/_/g, ' ');
    const head = p !== undefined ? `P${p}` : kind === 'std' ? 'Std' : kind === 'mean' ? 'Mean' : 'Median';
    return { key, label: `${head} ${name}`, unit: 'ms', direction: 'lower' };
  }
  const direction: MetricDirection = SETTINGS.has(key) ? 'setting' : HIGHER.has(key) ? 'higher' : LOWER.has(key) || key.endsWith('_ms') ? 'lower' : 'info';
  const unit: MetricUnit = UNITS[key] ?? (key.endsWith('_ms') ? 'ms' : TEXT_KEYS.has(key) ? 'text' : 'number');
  return { key, label: LABELS[key] ?? humanize(key), unit, direction };
}

/**
 * The metrics that answer "was this step worth it?": throughput up, latency down, nothing failing. A verdict
 * uses those of them both results carry.
 */
export const HEADLINE_METRICS: readonly string[] = [
  'request_throughput',
  'images_per_s',
  'output_throughput',
  'total_token_throughput',
  'mean_ttft_ms',
  'p99_ttft_ms',
  'mean_tpot_ms',
  'mean_itl_ms',
  'mean_e2el_ms',
  'median_e2el_ms',
  'p99_e2el_ms',
  'failed',
];

/** The order vLLM prints its rows in; anything else follows alphabetically. */
const PRINT_ORDER = [
  'completed',
  'failed',
  'num_prompts',
  'batch',
  'prompt_tokens',
  'max_concurrency',
  'request_rate',
  'burstiness',
  'duration',
  'total_input_tokens',
  'total_output_tokens',
  'request_throughput',
  'images_per_s',
  'request_goodput',
  'input_throughput',
  'output_throughput',
  'max_output_tokens_per_s',
  'max_concurrent_requests',
  'total_token_throughput',
  'peak_memory_mib',
];
// vLLM's sections first, then a sweep's stages in pipeline order (upload … download), then anything else.
const STAT_ORDER = ['ttft', 'tpot', 'itl', 'e2el', 'client_queue_time', 'e2el_including_client_queue', ...(CANONICAL_STAGES as readonly string[])];

function statRank(key: string): [number, number] | null {
  const m = STAT_KEY.exec(key);
  if (!m || key.startsWith('probe_')) return null;
  const [, kind, p, attr] = m as unknown as [string, string, string | undefined, string];
  const group = STAT_ORDER.indexOf(attr);
  const within = kind === 'mean' ? 0 : kind === 'median' ? 1 : kind === 'std' ? 2 : 3 + Number(p) / 1000;
  return [group === -1 ? STAT_ORDER.length : group, within];
}

/** Sort metric keys into the order a reader of vLLM's block expects. */
export function compareMetricKeys(a: string, b: string): number {
  const ia = PRINT_ORDER.indexOf(a);
  const ib = PRINT_ORDER.indexOf(b);
  if (ia !== -1 || ib !== -1) return ia === -1 ? 1 : ib === -1 ? -1 : ia - ib;
  const sa = statRank(a);
  const sb = statRank(b);
  if (sa && sb) {
    if (sa[0] !== sb[0]) return sa[0] - sb[0];
    if (sa[0] === STAT_ORDER.length) {
      const attrA = a.replace(STAT_KEY, '$3');
      const attrB = b.replace(STAT_KEY, '$3');
      if (attrA !== attrB) return attrA < attrB ? -1 : 1;
    }
    return sa[1] - sb[1];
  }
  if (sa || sb) return sa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
