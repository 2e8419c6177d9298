/**
 * Per-backend timing waterfall: each side's stages in pipeline order as bars on one shared time axis, e2e
 * marked on the same axis, peak memory and the denoise-step sparkline beside, a stage table underneath.
 * Rows are positional (left, right) so blind mode and swapped sides read the same as the panes above.
 */
import { memo } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatMb } from '../../lib/format.ts';
import { fmtMs, fmtTick, speedup } from './format.ts';
import { placeSides, sideProblem, type BackendLabels, type PlacedSide } from './sides.ts';
import { layoutWaterfall, sparklinePoints, sparkStats, stageColor, type WaterfallRow } from './waterfall.ts';

export interface TimingWaterfallProps {
  pair: PairView;
  blind: boolean;
  swapped: boolean;
  /** Backend names shown when not blind (optional; "A"/"B" otherwise). */
  backendLabels?: BackendLabels | null;
}

const SPARK_W = 72;
const SPARK_H = 16;

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(3)}%`;
}

export const TimingWaterfall = memo(function TimingWaterfall({ pair, blind, swapped, backendLabels }: TimingWaterfallProps) {
  const places = placeSides(pair, blind, swapped, backendLabels);
  const layout = layoutWaterfall(places.map((p) => ({ stages: p.view.stages, e2eMs: p.view.e2eMs })));
  const stepsMax = Math.max(0, ...places.flatMap((p) => p.view.denoiseStepsMs ?? []).filter(Number.isFinite));
  const [l, r] = places;
  // The notes' improvement figure (slower − faster) / slower, said of whichever side is faster.
  const leftGain = speedup(l.view.e2eMs, r.view.e2eMs);
  const faster = leftGain === null ? null : leftGain >= 0 ? { place: l, gain: leftGain } : { place: r, gain: speedup(r.view.e2eMs, l.view.e2eMs) ?? 0 };
  const hasAny = layout.rows.some((row) => row.segments.length > 0 || row.e2eMs !== null);

  return (
    <section className="cv-waterfall" data-testid="waterfall" aria-label="Timings">
      <header className="cv-section-head">
        <span className="cv-section-title">Timings</span>
        {faster && (
          <span className="cv-muted" title="(slower e2e − faster e2e) / slower e2e, the improvement figure of the performance notes">
            {faster.gain === 0 ? (
              'Same e2e on both sides'
            ) : (
              <>
                <b style={{ color: `var(${faster.place.colorVar})` }}>{faster.place.label}</b> {(faster.gain * 100).toFixed(1)}% faster end to end
              </>
            )}
          </span>
        )}
        <span className="cv-legend">
          {layout.stageNames.map((name) => (
            <span key={name} className="cv-legend-item">
              <span className="cv-legend-swatch" style={{ background: stageColor(name) }} />
              {name}
            </span>
          ))}
        </span>
      </header>
      <div className="cv-wf-grid">
        {places.map((place, i) => (
          <WaterfallRowView key={place.position} place={place} name={blind ? place.label : place.short} row={layout.rows[i] as WaterfallRow} stepsMax={stepsMax} />
        ))}
        {hasAny && layout.axisMs > 0 && (
          <>
            <div />
            <div className="cv-wf-axis" aria-hidden="true">
              {layout.ticks.map((t) => (
                <span key={t} className="cv-wf-tick" style={{ left: pct(t / layout.axisMs) }}>
                  {fmtTick(t)}
                </span>
              ))}
            </div>
            <div />
          </>
        )}
      </div>
      {hasAny && <StageTable places={places} names={layout.stageNames} />}
    </section>
  );
});

function WaterfallRowView({ place, name, row, stepsMax }: { place: PlacedSide; name: string; row: WaterfallRow; stepsMax: number }) {
  const problem = sideProblem(place.view);
  const steps = place.view.denoiseStepsMs;
  const stats = steps ? sparkStats(steps) : null;
  const side = { ['--cv-side' as string]: `var(${place.colorVar})` };
  return (
    <>
      <div className="cv-wf-label" style={side} title={place.label}>
        <span className="cv-side-dot" />
        {name}
      </div>
      <div className="cv-wf-track" data-testid={`waterfall-${place.position}`}>
        {row.segments.length === 0 && row.e2eMs === null ? (
          problem ? (
            <span className={problem.tone === 'error' ? 'cv-wf-error' : 'cv-muted'} title={problem.detail}>
              {problem.title}: {problem.detail}
            </span>
          ) : (
            <span className="cv-muted">No timings reported.</span>
          )
        ) : (
          <>
            {row.segments.map((s) => (
              <div
                key={s.name}
                className="cv-wf-bar"
                data-stage={s.name}
                style={{ left: pct(s.left), width: pct(s.width), background: stageColor(s.name) }}
                title={`${s.name}: ${fmtMs(s.ms)} (from ${fmtMs(s.startMs)} to ${fmtMs(s.startMs + s.ms)})`}
              >
                <span>{s.name}</span>
              </div>
            ))}
            {row.unaccountedMs > 0 && row.e2eAt !== null && (
              <div
                className="cv-wf-gap"
                style={{ left: pct(row.stagesAt), width: pct(row.e2eAt - row.stagesAt) }}
                title={`Not in any stage: ${fmtMs(row.unaccountedMs)} of ${fmtMs(row.e2eMs)} e2e (client overhead, gaps)`}
              />
            )}
            {row.e2eAt !== null && <div className="cv-wf-e2e" style={{ left: pct(row.e2eAt) }} title={`e2e ${fmtMs(row.e2eMs)} (client-measured)`} />}
          </>
        )}
      </div>
      <div className="cv-wf-side">
        <span title="Client-measured end to end" className="cv-mono">
          <span className="cv-muted">e2e</span> {fmtMs(row.e2eMs)}
        </span>
        <span title="Peak GPU memory reported by the server" className="cv-mono">
          <span className="cv-muted">mem</span> {formatMb(place.view.peakMemoryMb)}
        </span>
        {stats && steps && (
          <span
            className="cv-spark"
            title={`${stats.count} denoise steps: mean ${fmtMs(stats.mean)}, min ${fmtMs(stats.min)}, max ${fmtMs(stats.max)}, total ${fmtMs(stats.total)}`}
          >
            <svg width={SPARK_W} height={SPARK_H} viewBox={`0 0 ${SPARK_W} ${SPARK_H}`} aria-hidden="true">
              <polyline points={sparklinePoints(steps, SPARK_W, SPARK_H, stepsMax)} fill="none" stroke={stageColor('denoise')} strokeWidth="1.25" />
            </svg>
            <span className="cv-mono cv-muted">
              {stats.count}×{fmtMs(stats.mean)}
            </span>
          </span>
        )}
        {row.overlapMs > 0.5 && (
          <span className="cv-wf-note" title="The stages add up to more than e2e: some overlap or were timed on the server's clock">
            Σ&gt;e2e
          </span>
        )}
      </div>
    </>
  );
}

/** The numbers behind the bars: one column per stage, a row per side, and the right − left delta. */
function StageTable({ places, names }: { places: readonly [PlacedSide, PlacedSide]; names: string[] }) {
  const [l, r] = places;
  const cols = [...names, 'e2e'];
  const value = (p: PlacedSide, name: string): number | null => (name === 'e2e' ? p.view.e2eMs : (p.view.stages[name] ?? null));
  return (
    <table className="cv-stage-table">
      <thead>
        <tr>
          <th />
          {cols.map((n) => (
            <th key={n}>
              {n !== 'e2e' && <span className="cv-legend-swatch" style={{ background: stageColor(n) }} />}
              {n}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[l, r].map((p) => (
          <tr key={p.position}>
            <th style={{ ['--cv-side' as string]: `var(${p.colorVar})` }}>
              <span className="cv-side-dot" />
              {p.short}
            </th>
            {cols.map((n) => (
              <td key={n}>{fmtMs(value(p, n))}</td>
            ))}
          </tr>
        ))}
        <tr className="cv-delta-row">
          <th title={`${r.short} − ${l.short}`}>Δ</th>
          {cols.map((n) => {
            const a = value(l, n);
            const b = value(r, n);
            const d = a !== null && b !== null ? b - a : null;
            return (
              <td key={n} className={d === null ? '' : d > 0 ? 'is-pos' : d < 0 ? 'is-neg' : ''} title={d === null ? '' : `${r.short} − ${l.short}`}>
                {d === null ? '—' : `${d > 0 ? '+' : d < 0 ? '−' : ''}${fmtMs(Math.abs(d))}`}
              </td>
            );
          })}
        </tr>
      </tbody>
    </table>
  );
}
