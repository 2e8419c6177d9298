/**
 * Server timings in an OpenAI-style image answer (pure). `stage_durations` (seconds, server keys) and
 * `peak_memory_mb` may sit at the top level, under `metrics`, or on the chat content items, depending on version
 * and route; the baseline adds `metrics.timings` (ms).
 */
import { checkDurations, checkPeakMemoryMb, checkTimingsBlock, ownValue } from '../../../shared/server-numbers.ts';
import { stagesFromStageDurations } from '../../../shared/stages.ts';
import { nonFiniteTokensIn } from '../lenient-json.ts';

export type TimingLocation = 'top-level' | 'metrics' | 'choices[0].message.content';

export interface ServerTimings {
  /** `stage_durations` as received (seconds, server keys), numeric entries only. */
  stageDurations?: Record<string, number>;
  stageDurationsAt?: TimingLocation;
  peakMemoryMb: number | null;
  /** The baseline's `metrics.timings` block (ms) as received. */
  baselineTimings?: Record<string, unknown>;
  /** What was dropped and why (shared/server-numbers.ts): kept on the job's result. */
  notes: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Find `stage_durations` and `peak_memory_mb`: top level first (some versions), then `metrics.*` (current
 * generations), then each chat content item (current chat). The first place that has a value wins, per field.
 */
export function findServerTimings(json: unknown): ServerTimings {
  const places: Array<[TimingLocation, unknown]> = [];
  if (isRecord(json)) {
    places.push(['top-level', json]);
    places.push(['metrics', ownValue(json, 'metrics')]);
    const choices = json.choices;
    if (Array.isArray(choices) && isRecord(choices[0]) && isRecord(choices[0].message)) {
      const content = choices[0].message.content;
      if (Array.isArray(content)) for (const item of content) places.push(['choices[0].message.content', item]);
    }
  }
  const out: ServerTimings = { peakMemoryMb: null, notes: [] };
  const nonFinite = nonFiniteTokensIn(json);
  if (nonFinite > 0) {
    out.notes.push(`the response held ${nonFinite} bare NaN/Infinity value${nonFinite > 1 ? 's' : ''} (not JSON; Python's json.dumps default), read as null and dropped`);
  }
  for (const [where, place] of places) {
    if (!isRecord(place)) continue;
    const durations = ownValue(place, 'stage_durations');
    if (out.stageDurations === undefined && isRecord(durations)) {
      const checked = checkDurations(durations, `${where} stage_durations`, 's');
      out.stageDurations = checked.values;
      out.stageDurationsAt = where;
      out.notes.push(...checked.notes);
    }
    if (out.peakMemoryMb === null && Object.hasOwn(place, 'peak_memory_mb')) {
      const checked = checkPeakMemoryMb(ownValue(place, 'peak_memory_mb'), `${where} peak_memory_mb`);
      out.peakMemoryMb = checked.value;
      if (checked.note) out.notes.push(checked.note);
    }
  }
  const metrics = isRecord(json) ? ownValue(json, 'metrics') : undefined;
  const timings = isRecord(metrics) ? ownValue(metrics, 'timings') : undefined;
  if (isRecord(timings)) {
    const checked = checkTimingsBlock(timings, 'metrics.timings');
    out.baselineTimings = checked.values;
    out.notes.push(...checked.notes);
  }
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
