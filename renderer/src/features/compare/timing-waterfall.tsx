/**
 * Per-backend timing waterfall, drawn in time: each side's request as its buckets (client queue, upload, the
 * compared server stages, other (server), not reported, download) on one shared time axis, e2e marked on it, peak
 * memory and the denoise-step sparkline beside, a bucket table underneath. Server stages have no start times, so
 * they sit in the pipeline's documented order (dashed outline). Rows are positional (left, right) so blind mode and
 * swapped sides read the same as the panes above. Speed-ups are ratios with one colour rule: green = A faster.
 */
import { memo } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatMb } from '../../lib/format.ts';
import { fmtMs, fmtTick } from './format.ts';
import { formatDiffMs, formatSpeedup, speedTone } from '../../../../shared/speedup.ts';
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
          <span className="cv-wf-note" title={`The server reports ${fmtMs(row.overlapMs)} more than the client waited for its answer: clocks differ`}>
            server&gt;wait
          </span>
        )}
      </div>
    </>
  );
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

/** One row per bucket, a column per side, then A − B and the speed-up (coloured by the one rule: green = A faster). */
function StageTable({ places, names, blind }: { places: readonly [PlacedSide, PlacedSide]; names: string[]; blind: boolean }) {
  const [l, r] = places;
  const order = ['client_queue', 'upload', ...names.filter((n) => !(n in BUCKET_LABELS)), 'other_server', 'not_reported', 'download'].filter(
    (n, i, all) => all.indexOf(n) === i && (n === 'upload' || n === 'download' || n === 'not_reported' || names.includes(n)),
  );
  const bucketsBySide = new Map(places.map((p) => [p.side, bucketsOf(p.view)]));
  const bucketOf = (p: PlacedSide, name: string): number | null => bucketsBySide.get(p.side)?.get(name) ?? null;
  const rows = order.map((n) => ({ name: n, label: BUCKET_LABELS[n] ?? n }));
  const a = places.find((p) => p.side === 'A')!;
  const b = places.find((p) => p.side === 'B')!;
  // Blind: only the baseline has a detail block, so showing it would name the side.
  const detail = !blind && b.view.detailStages ? orderedDetail(b.view.detailStages) : [];
  const cell = (v: number | null, n: string) =>
    v === null ? <span className="cv-muted">{n === 'client_queue' ? '—' : 'not reported'}</span> : fmtMs(v);
  return (
    <>
      <table className="cv-stage-table">
        <thead>
          <tr>
            <th>bucket</th>
            {[l, r].map((p) => (
              <th key={p.position} style={{ ['--cv-side' as string]: `var(${p.colorVar})` }}>
                <span className="cv-side-dot" />
                {p.short}
              </th>
            ))}
            <th title={blind ? 'left − right' : 'A − B'}>{blind ? 'L − R' : 'A − B'}</th>
            <th title="B / A (blind: right / left); green = A faster">speed-up</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ name, label }) => {
            const lv = bucketOf(l, name);
            const rv = bucketOf(r, name);
            const av = bucketOf(a, name);
            const bv = bucketOf(b, name);
            // `not reported` is a gap in what a server says, not a speed: no ratio for it.
            const both = lv !== null && rv !== null && name !== 'not_reported';
            const tone = blind || !both ? null : speedTone(av, bv);
            const key = PROFILER_KEY[name as ComparedStage] as string | undefined;
            return (
              <tr key={name} data-bucket={name}>
                <th title={key ? `stage_durations …${key} on both sides` : undefined}>
                  <span className="cv-legend-swatch" style={{ background: stageColor(name) }} />
                  {label}
                </th>
                <td>{cell(lv, name)}</td>
                <td>{cell(rv, name)}</td>
                <td>{lv !== null && rv !== null ? formatDiffMs(lv, rv) : '—'}</td>
                <td className={tone ? `is-${tone}` : ''}>{both ? (blind ? positionalSpeedup(lv, rv, l.short, r.short) : formatSpeedup(av, bv)) ?? '—' : <span className="cv-muted">{name === 'not_reported' || (lv === null && rv === null) ? '—' : 'one side only'}</span>}</td>
              </tr>
            );
          })}
          <tr className="cv-delta-row">
            <th>e2e</th>
            <td>{fmtMs(l.view.e2eMs)}</td>
            <td>{fmtMs(r.view.e2eMs)}</td>
            <td>{formatDiffMs(l.view.e2eMs, r.view.e2eMs) ?? '—'}</td>
            <td className={!blind && speedTone(a.view.e2eMs, b.view.e2eMs) ? `is-${speedTone(a.view.e2eMs, b.view.e2eMs)}` : ''}>
              {(blind ? positionalSpeedup(l.view.e2eMs, r.view.e2eMs, l.short, r.short) : formatSpeedup(a.view.e2eMs, b.view.e2eMs)) ?? '—'}
            </td>
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
