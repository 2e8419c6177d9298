import type { PairSideView, PairView, RunSummary } from '../../../../shared/contract.ts';
import { formatRatio, formatSpeedupWithDiff, speedTone } from '../../../../shared/speedup.ts';
import { breakdown, BUCKET_LABELS, orderedDetail, PROFILER_KEY, type ComparedStage } from '../../../../shared/timing-breakdown.ts';
import { formatDuration, formatMemory } from '../../../../shared/units.ts';

/** A side's buckets by key (shared/timing-breakdown.ts): they add up to client queue + e2e. */
function bucketsOf(v: PairSideView): Map<string, number> {
  const out = new Map<string, number>();
  if (v.e2eMs === null) return out;
  const server = Object.fromEntries(Object.entries(v.stages).filter(([k]) => k !== 'upload' && k !== 'download'));
  const b = breakdown({ e2eMs: v.e2eMs, clientWaitMs: v.clientWaitMs, uploadMs: v.stages.upload, downloadMs: v.stages.download, server, serverTotalMs: v.serverTotalMs ?? null });
  for (const x of b.buckets) out.set(x.key, x.ms);
  return out;
}

/**
 * Per side: e2e, the compared server stages (vLLM-Omni's profiler keys, which both servers report), the rest of the
 * request in named buckets, and peak memory, with the speed-up as a ratio (green = A faster, red = A slower, the one
 * rule of every screen). B's own finer timings are listed below as detail, never compared. Hidden in blind mode: the
 * split pipeline's speed would tell the reviewer which side is which.
 */
export function TimingSummary({ pair, run, blind }: { pair: PairView; run: RunSummary | null; blind: boolean }) {
  const simulated = run !== null && (run.backends.A.simulated || run.backends.B.simulated);
  if (blind) {
    return (
      <section className="inspector-section" data-testid="timings">
        <header className="section-head">
          <h3>Timings</h3>
        </header>
        <p className="muted small-print">Hidden in blind mode: speed would reveal which side is which. Press b to show.</p>
      </section>
    );
  }
  const A = bucketsOf(pair.A);
  const B = bucketsOf(pair.B);
  const keys = [...new Set([...A.keys(), ...B.keys()])];
  const stages = keys.filter((k) => !(k in BUCKET_LABELS));
  const rest = ['client_queue', 'upload', 'other_server', 'not_reported', 'download'].filter((k) => A.has(k) || B.has(k));
  const detail = pair.B.detailStages ? orderedDetail(pair.B.detailStages) : [];
  const row = (name: string, a: number | null, b: number | null, fmt: (n: number | null) => string, opts: { emphasis?: boolean; testId?: string; title?: string; ratio?: boolean } = {}) => {
    const tone = opts.ratio === false ? null : speedTone(a, b);
    const one = (a === null) !== (b === null);
    return (
      <tr key={name} className={opts.emphasis ? 'em' : undefined} data-testid={opts.testId}>
        <th scope="row" title={opts.title}>
          {name}
        </th>
        <td className="mono">{fmt(a)}</td>
        <td className="mono">{fmt(b)}</td>
        <td className={`mono ${tone && tone !== 'even' ? `is-${tone}` : ''}`} title={opts.ratio === false ? undefined : (formatSpeedupWithDiff(a, b) ?? (one ? 'one side only' : undefined))}>
          {opts.ratio === false ? '' : one ? <span className="muted">—</span> : (formatRatio(a, b) ?? '—')}
        </td>
      </tr>
    );
  };
  const ms = (n: number | null): string => (n === null ? '—' : formatDuration(n));
  return (
    <section className="inspector-section" data-testid="timings" aria-labelledby="timings-heading">
      <header className="section-head">
        <h3 id="timings-heading">Timings</h3>
        {simulated && (
          <span className="badge-sim small" title="Simulated backends: these numbers come from a timing model, not a GPU">
            SIMULATED
          </span>
        )}
      </header>
      <table className="timings">
        <thead>
          <tr>
            <th scope="col">bucket</th>
            <th scope="col" className="side-a">
              A
            </th>
            <th scope="col" className="side-b">
              B
            </th>
            <th scope="col" title="B / A: how many times faster A is (green: A faster, red: A slower); the sentence and A − B in ms on hover">
              A ×
            </th>
          </tr>
        </thead>
        <tbody>
          {row('e2e', pair.A.e2eMs, pair.B.e2eMs, formatDuration, { emphasis: true, testId: 'timing-e2e', title: 'Client-measured: request issued → last byte' })}
          <tr className="timing-group">
            <td colSpan={4} title="vLLM-Omni's profiler keys in stage_durations, reported the same way by both servers">
              compared server stages
            </td>
          </tr>
          {stages.map((s) =>
            row(s, A.get(s) ?? null, B.get(s) ?? null, ms, {
              title: PROFILER_KEY[s as ComparedStage] ? `stage_durations …${PROFILER_KEY[s as ComparedStage]} on both sides` : 'reported in stage_durations',
            }),
          )}
          <tr className="timing-group">
            <td colSpan={4} title="The buckets add up to e2e (+ client queue); — = not reported by that server">
              rest of the request
            </td>
          </tr>
          {rest.map((k) => row(BUCKET_LABELS[k] ?? k, A.get(k) ?? null, B.get(k) ?? null, ms, { ratio: k !== 'not_reported' }))}
          {row('peak mem', pair.A.peakMemoryMb, pair.B.peakMemoryMb, formatMemory, { emphasis: true, testId: 'timing-memory', ratio: false })}
        </tbody>
      </table>
      {detail.length > 0 && (
        <p className="muted small-print" data-testid="timing-b-detail" title="The baseline's own metrics.timings, with its own definitions; never compared with A">
          B detail (metrics.timings, not compared): {detail.map(([k, v]) => `${k} ${formatDuration(v)}`).join(' · ')}
        </p>
      )}
      <p className="muted small-print">
        {[pair.A, pair.B].map((s, i) => `${i === 0 ? 'A' : 'B'}: ${s.endpoint ?? '—'}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}`).join(' · ')}
      </p>
    </section>
  );
}
