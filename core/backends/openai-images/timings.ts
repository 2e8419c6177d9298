/**
 * Server timings in an OpenAI-style image answer (pure). `stage_durations` (seconds, server keys) and
 * `peak_memory_mb` may sit at the top level, under `metrics`, or on the chat content items, depending on version
 * and route; the baseline adds `metrics.timings` (ms).
 */
import { stagesFromStageDurations } from '../../../shared/stages.ts';

export type TimingLocation = 'top-level' | 'metrics' | 'choices[0].message.content';

export interface ServerTimings {
  /** `stage_durations` as received (seconds, server keys), numeric entries only. */
  stageDurations?: Record<string, number>;
  stageDurationsAt?: TimingLocation;
  peakMemoryMb: number | null;
  /** The baseline's `metrics.timings` block (ms) as received. */
  baselineTimings?: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numericEntries(record: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/**
 * Find `stage_durations` and `peak_memory_mb`: top level first (some versions), then `metrics.*` (current
 * generations), then each chat content item (current chat). The first place that has a value wins, per field.
 */
export function findServerTimings(json: unknown): ServerTimings {
  const places: Array<[TimingLocation, unknown]> = [];
  if (isRecord(json)) {
    places.push(['top-level', json]);
    places.push(['metrics', json.metrics]);
    const choices = json.choices;
    if (Array.isArray(choices) && isRecord(choices[0]) && isRecord(choices[0].message)) {
      const content = choices[0].message.content;
      if (Array.isArray(content)) for (const item of content) places.push(['choices[0].message.content', item]);
    }
  }
  const out: ServerTimings = { peakMemoryMb: null };
  for (const [where, place] of places) {
    if (!isRecord(place)) continue;
    if (out.stageDurations === undefined && isRecord(place.stage_durations)) {
      out.stageDurations = numericEntries(place.stage_durations);
      out.stageDurationsAt = where;
    }
    if (out.peakMemoryMb === null && typeof place.peak_memory_mb === 'number' && Number.isFinite(place.peak_memory_mb)) {
      out.peakMemoryMb = place.peak_memory_mb;
    }
  }
  if (isRecord(json) && isRecord(json.metrics) && isRecord(json.metrics.timings)) out.baselineTimings = json.metrics.timings;
  return out;
}

/**
 * Canonical stage → ms from what the server sent: `stage_durations` only, the profiler keys both servers report
 * with the same semantics (DESIGN "Like for like"). The baseline's `metrics.timings` are stored verbatim as B's
 * detail (`serverTimings`) and never replace a compared stage: its `text_encode` includes the processor's CPU work,
 * vLLM-Omni's `text_encoder.forward` does not.
 */
export function serverStages(t: ServerTimings): Record<string, number> {
  return t.stageDurations ? stagesFromStageDurations(t.stageDurations) : {};
}
