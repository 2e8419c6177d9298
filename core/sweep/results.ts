/** A sweep folder's figures: every point's per-side summary and its A-vs-B table row, from the stored requests. */
import type { Side } from '../../shared/model.ts';
import {
  summarizeSide,
  sweepPoints,
  tableRow,
  type SweepPointResult,
  type SweepProgress,
  type SweepRequestRecord,
  type SweepResult,
  type SweepState,
  type SweepSummary,
} from '../../shared/sweep.ts';
import type { SweepConfig } from './store.ts';

export interface SweepStatus {
  state: SweepState;
  message: string | null;
  current: SweepProgress['current'];
  etaMs: number | null;
}

export function sweepProgress(config: SweepConfig, records: readonly SweepRequestRecord[], status: Pick<SweepStatus, 'current' | 'etaMs'>): SweepProgress {
  const points = sweepPoints(config.spec.axes);
  const perSide = config.spec.requests + config.spec.warmup;
  const done = new Map<string, number>();
  for (const r of records) done.set(`${r.pointId}/${r.side}`, (done.get(`${r.pointId}/${r.side}`) ?? 0) + 1);
  let pointsDone = 0;
  for (const p of points) for (const side of config.sides) if ((done.get(`${p.id}/${side}`) ?? 0) >= perSide) pointsDone++;
  return {
    pointsDone,
    pointsTotal: points.length * config.sides.length,
    requestsDone: records.length,
    requestsTotal: points.length * config.sides.length * perSide,
    current: status.current,
    etaMs: status.etaMs,
  };
}

export function sweepSummary(dir: string, config: SweepConfig, records: readonly SweepRequestRecord[], status: SweepStatus): SweepSummary {
  const backend = (side: Side) => {
    const b = config.backends[side];
    return { kind: b.kind, label: b.label, target: b.target, simulated: b.simulated };
  };
  return {
    id: config.id,
    dir,
    name: config.spec.name,
    createdAt: config.createdAt,
    state: status.state,
    message: status.message,
    backends: { A: backend('A'), B: backend('B') },
    progress: sweepProgress(config, records, status),
  };
}

export function sweepPointResults(config: SweepConfig, records: readonly SweepRequestRecord[]): SweepPointResult[] {
  const byPoint = new Map<string, SweepRequestRecord[]>();
  for (const r of records) {
    const list = byPoint.get(r.pointId) ?? [];
    list.push(r);
    byPoint.set(r.pointId, list);
  }
  return sweepPoints(config.spec.axes).map((point) => {
    const mine = byPoint.get(point.id) ?? [];
    const side = (s: Side) => (config.sides.includes(s) ? summarizeSide(point, s, mine, config.spec.requests) : null);
    const A = side('A');
    const B = side('B');
    return { point, A, B, row: tableRow(point, config.spec.axes, A, B) };
  });
}

export function sweepResult(dir: string, config: SweepConfig, records: readonly SweepRequestRecord[], status: SweepStatus): SweepResult {
  return { summary: sweepSummary(dir, config, records, status), spec: config.spec, points: sweepPointResults(config, records) };
}

/** Every side of every point has all its requests (ok or failed). */
export function isComplete(config: SweepConfig, records: readonly SweepRequestRecord[]): boolean {
  const p = sweepProgress(config, records, { current: null, etaMs: null });
  return p.requestsDone >= p.requestsTotal;
}
