import { describe, expect, it } from 'vitest';
import { RunProgressSchema } from './contract.ts';
import type { JobStatus, Side } from './model.ts';
import { progressOf, type ProgressJob } from './progress.ts';

const job = (pairKey: string, side: Side, status: JobStatus): ProgressJob => ({ pairKey, side, status });
const both = (pairKey: string, a: JobStatus, b: JobStatus = a): ProgressJob[] => [job(pairKey, 'A', a), job(pairKey, 'B', b)];

describe('progressOf', () => {
  it('counts each side by status; skipped turns are errors and done', () => {
    const p = progressOf({
      jobs: [...both('p1', 'ok'), ...both('p2', 'running', 'pending'), ...both('p3', 'error', 'ok'), ...both('p4', 'skipped', 'ok')],
      compared: new Set(['p1']),
    });
    expect(p.A).toEqual({ total: 4, done: 3, ok: 1, error: 2, running: 1 });
    expect(p.B).toEqual({ total: 4, done: 3, ok: 3, error: 0, running: 0 });
    expect(() => RunProgressSchema.parse(p)).not.toThrow();
  });

  it('counts pairs that are compared or still comparable, and failed comparisons as done', () => {
    const jobs = [...both('saved', 'ok'), ...both('failed', 'ok'), ...both('waiting', 'ok', 'pending'), ...both('lost', 'ok', 'error')];
    expect(progressOf({ jobs, compared: new Set(['saved']) }).compare).toEqual({ total: 3, done: 1 });
    expect(progressOf({ jobs, compared: new Set(['saved']), compareFailed: new Set(['failed']) }).compare).toEqual({ total: 3, done: 2 });
  });

  it('needs both sides of a pair before it may be compared', () => {
    expect(progressOf({ jobs: [job('half', 'A', 'ok')], compared: new Set() }).compare).toEqual({ total: 0, done: 0 });
  });

  it('passes the ETA through, null when not given', () => {
    expect(progressOf({ jobs: [], compared: new Set() }).etaMs).toBeNull();
    expect(progressOf({ jobs: both('p', 'pending'), compared: new Set(), etaMs: 1200 }).etaMs).toBe(1200);
  });
});
