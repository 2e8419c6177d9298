/**
 * Per-backend timing waterfall, drawn in time: each side's request as its buckets (client queue, upload, the
 * compared server stages, other (server), not reported, download) on one shared time axis, e2e marked on it, peak
 * memory and the denoise-step sparkline beside, a bucket table underneath. Server stages have no start times, so
 * they sit in the pipeline's documented order (dashed outline). Rows are positional (left, right) so blind mode and
 * swapped sides read the same as the panes above. Speed-ups are ratios with one colour rule: green = A faster.
 */
import { memo } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatMemory } from '../../../../shared/units.ts';
import { fmtMs, fmtTick } from './format.ts';
import { formatDiffMs, formatRatio, formatSpeedup, formatSpeedupWithDiff, speedTone } from '../../../../shared/speedup.ts';
import { breakdown, BUCKET_LABELS, orderedDetail, PROFILER_KEY, type ComparedStage } from '../../../../shared/timing-breakdown.ts';
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
  const layout = layoutWaterfall(
    places.map((p) => ({ stages: p.view.stages, e2eMs: p.view.e2eMs, clientWaitMs: p.view.clientWaitMs, serverTotalMs: p.view.serverTotalMs })),
  );
  const stepsMax = Math.max(0, ...places.flatMap((p) => p.view.denoiseStepsMs ?? []).filter(Number.isFinite));
  const hasAny = layout.rows.some((row) => row.segments.length > 0 || row.e2eMs !== null);
  const a = pair.A.e2eMs;
  const b = pair.B.e2eMs;
  // Blind: say it of the faster position, uncoloured (the colour rule speaks of A). Otherwise A against B.
  const [l, r] = places;
  const blindText = blind ? positionalSpeedup(l.view.e2eMs, r.view.e2eMs, l.label, r.label) : null;
  const text = blind ? blindText : formatSpeedup(a, b);
  const tone = blind ? null : speedTone(a, b);
  const diff = blind ? formatDiffMs(l.view.e2eMs, r.view.e2eMs) : formatDiffMs(a, b);

  return (
    <section className="cv-waterfall" data-testid="waterfall" aria-label="Timings">
      <header className="cv-section-head">
        <span className="cv-section-title">Timings</span>
        {text && (
          <span className={`cv-speedup ${tone ? `is-${tone}` : ''}`} data-testid="waterfall-speedup" title="End to end, B / A as a ratio (green: A faster, red: A slower); the difference in ms beside it">
            {text} end to end{diff ? ` (${diff})` : ''}
          </span>
        )}
        <span className="cv-legend">
          {layout.stageNames.map((name) => (
            <span key={name} className="cv-legend-item">
              <span className="cv-legend-swatch" style={{ background: stageColor(name) }} />
              {BUCKET_LABELS[name] ?? name}
            </span>
          ))}
          <span className="cv-legend-item cv-muted" title="The server gives durations, not start times: its stages are drawn in the pipeline's documented order">
            <span className="cv-legend-swatch is-documented" />
            documented order
          </span>
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
      {hasAny && <StageTable places={places} names={layout.stageNames} blind={blind} />}
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
                className={`cv-wf-bar${s.placement === 'documented' ? ' is-documented' : ''}${s.kind === 'not-reported' ? ' is-not-reported' : ''}`}
                data-stage={s.name}
                data-placement={s.placement}
                style={{ left: pct(s.left), width: pct(s.width), background: stageColor(s.name) }}
                title={`${s.label}: ${fmtMs(s.ms)} (from ${fmtMs(s.startMs)} to ${fmtMs(s.startMs + s.ms)}; ${
                  s.placement === 'measured' ? 'placed by the client clock' : 'placed in the documented pipeline order'
                })${s.kind === 'not-reported' ? ': the client waited for this but the server reports it in no figure' : ''}`}
              >
                <span>{s.label}</span>
              </div>
            ))}
            {row.e2eAt !== null && <div className="cv-wf-e2e" style={{ left: pct(row.e2eAt) }} title={`e2e ${fmtMs(row.e2eMs)} (client-measured)`} />}
          </>
        )}
      </div>
      <div className="cv-wf-side">
        <span title="Client-measured end to end" className="cv-mono">
          <span className="cv-muted">e2e</span> {fmtMs(row.e2eMs)}
        </span>
        <span title="Peak GPU memory reported by the server" className="cv-mono">
          <span className="cv-muted">mem</span> {formatMemory(place.view.peakMemoryMb)}
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
          <span className="cv-wf-note" title={`The server reports ${fmtMs(row.overlapMs)} more than the client waited for its answer: clocks differ`}>
            server&gt;wait
          </span>
        )}
      </div>
    </>
  );
}

/** A table cell in ms without the unit (the header says ms): 0.4 → "0.4", 9.12 → "9.1", 1510.3 → "1510". */
function msNumber(ms: number): string {
  return Math.abs(ms) < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** Blind: the ratio said of whichever position is faster ("Right 1.39× faster"), since A may not be named. */
function positionalSpeedup(lv: number | null, rv: number | null, lLabel: string, rLabel: string): string | null {
  if (lv === null || rv === null) return null;
  return rv < lv ? formatSpeedup(rv, lv, rLabel) : formatSpeedup(lv, rv, lLabel);
}

/** A side's buckets by key (shared/timing-breakdown.ts); empty without e2e. */
function bucketsOf(v: PlacedSide['view']): Map<string, number> {
  const out = new Map<string, number>();
  if (v.e2eMs === null) {
    for (const [k, ms] of Object.entries(v.stages)) out.set(k, ms);
    return out;
  }
  const server = Object.fromEntries(Object.entries(v.stages).filter(([k]) => k !== 'upload' && k !== 'download'));
  const b = breakdown({ e2eMs: v.e2eMs, clientWaitMs: v.clientWaitMs, uploadMs: v.stages.upload, downloadMs: v.stages.download, server, serverTotalMs: v.serverTotalMs ?? null });
  for (const x of b.buckets) out.set(x.key, x.ms);
  return out;
}

/**
 * The numbers behind the bars, compact: a column per bucket (the compared stages first, then the rest of the
 * request, then e2e), a row per side, and the speed-up as a ratio coloured by the one rule (green = A faster);
 * hover a ratio for the sentence and the difference in ms.
 */
function StageTable({ places, names, blind }: { places: readonly [PlacedSide, PlacedSide]; names: string[]; blind: boolean }) {
  const [l, r] = places;
  const order = [...names.filter((n) => !(n in BUCKET_LABELS)), 'client_queue', 'upload', 'other_server', 'not_reported', 'download'].filter(
    (n, i, all) => all.indexOf(n) === i && (n === 'upload' || n === 'download' || n === 'not_reported' || names.includes(n)),
  );
  const bucketsBySide = new Map(places.map((p) => [p.side, bucketsOf(p.view)]));
  const bucketOf = (p: PlacedSide, name: string): number | null =>
    name === 'e2e' ? p.view.e2eMs : (bucketsBySide.get(p.side)?.get(name) ?? null);
  const cols = [...order, 'e2e'];
  const a = places.find((p) => p.side === 'A')!;
  const b = places.find((p) => p.side === 'B')!;
  // Blind: only the baseline has a detail block, so showing it would name the side.
  const detail = !blind && b.view.detailStages ? orderedDetail(b.view.detailStages) : [];
  return (
    <>
      <table className="cv-stage-table">
        <thead>
          <tr>
            <th className="cv-muted">ms</th>
            {cols.map((n) => {
              const key = PROFILER_KEY[n as ComparedStage] as string | undefined;
              return (
                <th key={n} title={key ? `stage_durations …${key}, reported by both servers` : undefined}>
                  {n !== 'e2e' && <span className="cv-legend-swatch" style={{ background: stageColor(n) }} />}
                  {/* A break opportunity after "_" so narrow columns wrap "text_encode" as "text_ / encode". */}
                  {(BUCKET_LABELS[n] ?? n).replaceAll('_', '_\u200b')}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {[l, r].map((p) => (
            <tr key={p.position}>
              <th style={{ ['--cv-side' as string]: `var(${p.colorVar})` }}>
                <span className="cv-side-dot" />
                {p.short}
              </th>
              {cols.map((n) => {
                const v = bucketOf(p, n);
                return (
                  <td key={n} title={v === null ? 'not reported by this server' : fmtMs(v)}>
                    {v === null ? <span className="cv-muted">—</span> : msNumber(v)}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr className="cv-delta-row">
            <th title={blind ? 'the faster position, right / left or left / right' : 'B / A: how many times faster A is; green = A faster, red = A slower'}>×</th>
            {cols.map((n) => {
              const lv = bucketOf(l, n);
              const rv = bucketOf(r, n);
              // `not reported` is a gap in what a server says, not a speed; a stage one side reports has no ratio.
              if (lv === null || rv === null || n === 'not_reported') {
                return (
                  <td key={n} className="cv-muted" title={lv === null && rv === null ? '' : n === 'not_reported' ? '' : 'one side only'}>
                    {lv === null && rv === null ? '' : '—'}
                  </td>
                );
              }
              const av = bucketOf(a, n);
              const bv = bucketOf(b, n);
              const tone = blind ? null : speedTone(av, bv);
              const sentence = blind ? positionalSpeedup(lv, rv, l.short, r.short) : formatSpeedupWithDiff(av, bv);
              const lr = lv <= rv ? formatRatio(lv, rv) : formatRatio(rv, lv);
              return (
                <td key={n} className={tone ? `is-${tone}` : ''} title={sentence ?? ''}>
                  {blind ? `${lv <= rv ? l.short : r.short} ${lr ?? '—'}` : (formatRatio(av, bv) ?? '—')}
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
      {detail.length > 0 && (
        <p className="cv-detail" data-testid="b-detail" title="The baseline's own metrics.timings: finer, with its own definitions (text_encode includes the processor's CPU work). Never compared with A.">
          <span className="cv-muted">{blind ? 'Baseline detail' : 'B detail'} (metrics.timings, not compared):</span>{' '}
          {detail.map(([k, v]) => `${k} ${fmtMs(v)}`).join(' · ')}
        </p>
      )}
    </>
  );
}
