import { describe, expect, it } from 'vitest';
import { checkDurations, checkPeakMemoryMb, checkTimingsBlock, MAX_STAGE_SECONDS, ownValue, setOwn } from './server-numbers.ts';
import { canonicalStageName, stagesFromBaselineTimings, stagesFromStageDurations } from './stages.ts';

describe('stage names from a server (finding 6: prototype lookups)', () => {
  it('keeps keys that are names of Object.prototype members as plain names', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) expect(canonicalStageName(key)).toBe(key);
    const stages = stagesFromStageDurations(JSON.parse('{"constructor": 1, "toString": 2, "__proto__": 3, "P.diffuse": 4}') as Record<string, unknown>);
    expect(Object.keys(stages).sort()).toEqual(['__proto__', 'constructor', 'denoise', 'toString']);
    expect(stages.constructor).toBe(1000);
    expect(stages.toString).toBe(2000);
    expect(ownValue(stages, '__proto__')).toBe(3000);
    expect(Object.getPrototypeOf(stages)).toBe(Object.prototype);
    expect(stagesFromBaselineTimings({ constructor: 5, queue_wait: 7 })).toEqual({ constructor: 5, queue: 7 });
  });
});

describe('checkDurations', () => {
  it('keeps plausible durations and drops the rest with a note each', () => {
    const raw = JSON.parse('{"ok": 1.5, "zero": 0, "neg": -2, "huge": 1e300, "nan": null, "text": "3", "toString": 4}') as Record<string, unknown>;
    const { values, notes } = checkDurations(raw, 'stage_durations', 's');
    expect(values).toEqual({ ok: 1.5, zero: 0, toString: 4 });
    expect(notes).toEqual([
      'stage_durations.neg is negative (-2); dropped',
      `stage_durations.huge is 1e+300 s, more than ${MAX_STAGE_SECONDS} s; dropped`,
      'stage_durations.text is "3", not a number; dropped',
    ]);
    expect(checkDurations({ inf: Infinity }, 'x', 'ms').notes).toEqual(['x.inf is Infinity, not a finite number; dropped']);
  });
});

describe('checkPeakMemoryMb', () => {
  it('drops negative, non-finite and absurd values with a note; absent or null is simply null', () => {
    expect(checkPeakMemoryMb(58123.4, 'metrics peak_memory_mb')).toEqual({ value: 58123.4 });
    expect(checkPeakMemoryMb(undefined, 'p')).toEqual({ value: null });
    expect(checkPeakMemoryMb(-5, 'metrics peak_memory_mb')).toEqual({ value: null, note: 'metrics peak_memory_mb is negative (-5); dropped' });
    expect(checkPeakMemoryMb(1e300, 'p').note).toMatch(/is 1e\+300 MB, more than \d+ MB; dropped/);
    expect(checkPeakMemoryMb(null, 'p')).toEqual({ value: null });
  });
});

describe('checkTimingsBlock', () => {
  it('checks scalar durations and keeps lists and labels verbatim', () => {
    const { values, notes } = checkTimingsBlock({ total: 10, denoise: -1, unit: 'ms', denoise_steps: [1, null], warm: true }, 'metrics.timings');
    expect(values).toEqual({ total: 10, unit: 'ms', denoise_steps: [1, null], warm: true });
    expect(notes).toEqual(['metrics.timings.denoise is negative (-1); dropped']);
  });
});

describe('setOwn', () => {
  it('sets __proto__ as data, not as the prototype', () => {
    const o: Record<string, number> = {};
    setOwn(o, '__proto__', 1);
    expect(Object.keys(o)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  });
});
