/**
 * Numbers a server reports about itself (stage durations, peak memory) are checked before they are stored or shown:
 * a value that is missing, not finite, negative or absurdly large is dropped, and a note on the result says which and
 * why, so nothing is silently wrong and nothing is silently lost. Keys are looked up as own properties only: a stage
 * named `constructor` or `__proto__` is just a name.
 */

/** A stage longer than a day is not a measurement (1e300 s has been seen). */
export const MAX_STAGE_SECONDS = 86_400;
/** More than 16 TiB of peak memory on one server is not a measurement either. */
export const MAX_PEAK_MEMORY_MB = 16 * 1024 * 1024;

/** The value of an own property, never one inherited from Object.prototype. */
export function ownValue(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/** Set `key` as an own, enumerable property, even when it is `__proto__` (where `record[key] = v` would not). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Why `value` is not a usable amount up to `max`, or undefined when it is one. */
function problemWith(value: unknown, max: number, unit: string): string | undefined {
  if (typeof value !== 'number') return `is ${show(value)}, not a number`;
  if (!Number.isFinite(value)) return `is ${show(value)}, not a finite number`;
  if (value < 0) return `is negative (${value})`;
  if (value > max) return `is ${value} ${unit}, more than ${max} ${unit}`;
  return undefined;
}

export interface CheckedRecord {
  values: Record<string, number>;
  notes: string[];
}

/**
 * Durations keyed by name: usable ones are kept (own keys only); `null` (not measured, or a bare NaN that
 * core/backends/lenient-json.ts read as null and noted) is left out; every other entry is dropped with a note.
 * `where` names the block in notes (e.g. "stage_durations"); `unit` and `max` say what is plausible.
 */
export function checkDurations(record: Readonly<Record<string, unknown>>, where: string, unit: 's' | 'ms'): CheckedRecord {
  const max = unit === 's' ? MAX_STAGE_SECONDS : MAX_STAGE_SECONDS * 1000;
  const values: Record<string, number> = {};
  const notes: string[] = [];
  for (const key of Object.keys(record)) {
    const value = ownValue(record, key);
    if (value === null) continue; // not measured (or a NaN read as null: the parse notes that once)
    const problem = problemWith(value, max, unit);
    if (problem) notes.push(`${where}.${key} ${problem}; dropped`);
    else setOwn(values, key, value as number);
  }
  return { values, notes };
}

/** peak_memory_mb as sent (undefined when absent): a usable value, or null and a note. */
export function checkPeakMemoryMb(value: unknown, where: string): { value: number | null; note?: string } {
  if (value === undefined || value === null) return { value: null };
  const problem = problemWith(value, MAX_PEAK_MEMORY_MB, 'MB');
  return problem ? { value: null, note: `${where} ${problem}; dropped` } : { value: value as number };
}

/**
 * The baseline's `metrics.timings` block (ms): scalar entries are durations and checked like stage durations; lists
 * (per call, per step) and labels (`unit`, `method`, `warm`) are kept verbatim.
 */
export function checkTimingsBlock(record: Readonly<Record<string, unknown>>, where: string): { values: Record<string, unknown>; notes: string[] } {
  const values: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const key of Object.keys(record)) {
    const value = ownValue(record, key);
    if (value === null) continue;
    if (typeof value === 'number') {
      const problem = problemWith(value, MAX_STAGE_SECONDS * 1000, 'ms');
      if (problem) {
        notes.push(`${where}.${key} ${problem}; dropped`);
        continue;
      }
    }
    setOwn(values, key, value);
  }
  return { values, notes };
}
