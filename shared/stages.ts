/**
 * Map server timing keys onto our canonical stage names (DESIGN "Backends").
 *
 * vLLM-Omni's profiler reports seconds under "<PipelineClass>.<path>" keys (QwenImageEditPipeline.diffuse, …);
 * its split 3-stage config names stages encode / denoise / decode; our baseline adds `metrics.timings` in ms
 * with canonical-ish names. Whatever we do not recognise is kept verbatim so nothing a server says is lost.
 */
import { CANONICAL_STAGES, type CanonicalStage } from './model.ts';
import { ownValue, setOwn } from './server-numbers.ts';

const CANONICAL = new Set<string>(CANONICAL_STAGES);

/** Suffix rules for profiler keys "<PipelineClass>.<path>". Order matters: most specific first. */
const PROFILER_SUFFIXES: ReadonlyArray<readonly [string, CanonicalStage]> = [
  ['.text_encoder.forward', 'text_encode'],
  ['.vae.encode', 'vae_encode'],
  ['.vae.decode', 'vae_decode'],
  ['.diffuse', 'denoise'],
];

/** Stage names of the split (disaggregated) pipeline and the baseline's ms keys that mean a canonical stage. */
const ALIASES: Readonly<Record<string, CanonicalStage>> = {
  encode: 'text_encode',
  decode: 'vae_decode',
  queue_wait: 'queue',
};

/**
 * Keys that are totals or bookkeeping, not stages: keeping them in a stage map would double-count in any
 * waterfall or sum. They stay available in the verbatim server blocks.
 */
const NOT_STAGES = new Set(['total', 'pipeline_total', 'unit', 'method', 'warm', 'transformer_calls']);

/** vLLM-Omni's profiler also wraps the whole pipeline call as "<PipelineClass>.forward": a total, not a stage. */
const PIPELINE_TOTAL = /^[A-Za-z0-9_]+Pipeline\.forward$/;

function isStageKey(key: string): boolean {
  return !NOT_STAGES.has(key) && !PIPELINE_TOTAL.test(key);
}

/** The canonical name for one server key, or the key itself when it has none. */
export function canonicalStageName(serverKey: string): string {
  if (CANONICAL.has(serverKey)) return serverKey;
  // Own properties only: a server key "constructor" or "toString" must not find Object.prototype's.
  const alias = ownValue(ALIASES, serverKey) as CanonicalStage | undefined;
  if (alias) return alias;
  for (const [suffix, stage] of PROFILER_SUFFIXES) {
    if (serverKey.endsWith(suffix)) return stage;
  }
  return serverKey;
}

function addInto(out: Record<string, number>, key: string, ms: number): void {
  const before = ownValue(out, key);
  setOwn(out, key, (typeof before === 'number' ? before : 0) + ms);
}

/**
 * vLLM-Omni `stage_durations` (seconds) → canonical stage → ms. Several keys mapping to one stage add up
 * (e.g. a pipeline that reports text_encoder.forward per CFG branch under distinct keys).
 */
export function stagesFromStageDurations(stageDurations: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(stageDurations)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
    if (!isStageKey(key)) continue;
    addInto(out, canonicalStageName(key), value * 1000);
  }
  return out;
}

/**
 * Baseline `metrics.timings` (ms) → canonical stage → ms. Only scalar numeric entries are stages; per-call
 * and per-step lists (text_encode_calls, denoise_steps, …) and totals are left to the verbatim block.
 */
export function stagesFromBaselineTimings(timings: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(timings)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) continue;
    if (!isStageKey(key)) continue;
    addInto(out, canonicalStageName(key), value);
  }
  return out;
}

/** Order for display: canonical stages in pipeline order, then unknown keys alphabetically. */
export function orderedStageNames(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const rank = (n: string): number => {
    const i = (CANONICAL_STAGES as readonly string[]).indexOf(n);
    return i === -1 ? CANONICAL_STAGES.length : i;
  };
  return list.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
