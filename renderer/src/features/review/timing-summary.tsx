import type { PairView, RunSummary } from '../../../../shared/contract.ts';
import { orderedStageNames } from '../../../../shared/stages.ts';
import { improvement } from '../../../../shared/stats.ts';
import { formatImprovement, formatMb, formatMs } from '../../lib/format.ts';

/**
 * Per-side e2e, stages and peak memory with the notes' (B − A) / B figure. Hidden in blind mode: the split
 * pipeline's speed would tell the reviewer which side is which.
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
  const stages = orderedStageNames([...Object.keys(pair.A.stages), ...Object.keys(pair.B.stages)]);
  const row = (name: string, a: number | null, b: number | null, fmt: (n: number | null) => string, emphasis = false, testId?: string) => (
    <tr key={name} className={emphasis ? 'em' : undefined} data-testid={testId}>
      <th scope="row">{name}</th>
      <td className="mono">{fmt(a)}</td>
      <td className="mono">{fmt(b)}</td>
      <td className={`mono ${deltaClass(improvement(a, b))}`}>{formatImprovement(improvement(a, b))}</td>
    </tr>
  );
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
            <th scope="col">stage</th>
            <th scope="col" className="side-a">
              A
            </th>
            <th scope="col" className="side-b">
              B
            </th>
            <th scope="col" title="(B − A) / B: positive when A is faster">
              Δ
            </th>
          </tr>
        </thead>
        <tbody>
          {row('e2e', pair.A.e2eMs, pair.B.e2eMs, formatMs, true, 'timing-e2e')}
          {stages.map((s) => row(s, pair.A.stages[s] ?? null, pair.B.stages[s] ?? null, formatMs))}
          {row('peak mem', pair.A.peakMemoryMb, pair.B.peakMemoryMb, formatMb, true, 'timing-memory')}
        </tbody>
      </table>
      <p className="muted small-print">
        {[pair.A, pair.B].map((s, i) => `${i === 0 ? 'A' : 'B'}: ${s.endpoint ?? '—'}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}`).join(' · ')}
      </p>
    </section>
  );
}

function deltaClass(v: number | null): string {
  if (v === null || Math.abs(v) < 0.02) return '';
  return v > 0 ? 'better' : 'worse';
}
