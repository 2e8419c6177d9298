import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { SweepResult, SweepSummary } from '../../../../shared/sweep.ts';
import { formatCount, formatDuration, formatPercent } from '../../../../shared/units.ts';
import { useReviewApi } from '../../state/react.tsx';
import { imageThroughputChart, latencyChart, memoryChart, stageStackChart, throughputChart, type ChartSpec } from './chart-options.ts';
import { EChart } from './echart.tsx';
import { copyText, downloadText, fileSlug } from './export.ts';
import {
  AXIS_LABELS,
  RESULT_COLUMNS,
  RESULT_HEADERS,
  TEAM_HEADERS,
  axisGroups,
  axisTick,
  axisValues,
  defaultGroup,
  pointName,
  resultRows,
  resultsMarkdown,
  stageRows,
  sweepCsv,
  sweepJson,
  teamMarkdown,
  teamRows,
  type SweepAxis,
} from './speed-model.ts';
import { createSpeedStore, type SpeedState, type SpeedStore, type StartSweepForm } from './speed-store.ts';
import './speed.css';

/** The Speed screen: sweeps on the left, the open sweep's tables, charts and exports on the right. */
export function SpeedPage() {
  const api = useReviewApi();
  const [store] = useState(() => createSpeedStore(api));
  useEffect(() => {
    void store.getState().init();
    return () => store.getState().dispose();
  }, [store]);
  const loaded = useStore(store, (s) => s.loaded);
  const result = useStore(store, (s) => s.result);
  const error = useStore(store, (s) => s.error);
  const loadingResult = useStore(store, (s) => s.loadingResult);
  const selectedId = useStore(store, (s) => s.selectedId);

  return (
    <div className="speed-page" data-testid="speed-page">
      <aside className="speed-side">
        <SweepList store={store} />
        <StartSweep store={store} />
        <OpenSweep store={store} />
      </aside>
      <main className="speed-main">
        {error && (
          <p className="field-error" role="alert" data-testid="speed-error">
            {error}
          </p>
        )}
        {!loaded ? (
          <p className="muted" aria-busy="true">
            Loading sweeps…
          </p>
        ) : result ? (
          <SweepView store={store} result={result} />
        ) : selectedId && loadingResult ? (
          <p className="muted" aria-busy="true">
            Reading the sweep…
          </p>
        ) : (
          <EmptyState />
        )}
      </main>
    </div>
  );
}

function EmptyState() {
  return (
    <div className="speed-empty" data-testid="speed-empty">
      <h2>No sweeps yet</h2>
      <p className="muted">
        A sweep sends load to A and B point by point (batch size, prompt length, concurrency, request rate) and shows
        throughput and latency percentiles per point. Start one on the left, or run{' '}
        <code>npx omni-review sweep --spec fixtures/sweeps/demo.yaml --out DIR</code> and open the app with{' '}
        <code>omni-review serve</code>.
      </p>
    </div>
  );
}

const STATE_WORDS: Record<SweepSummary['state'], string> = {
  running: 'running',
  complete: 'complete',
  partial: 'partial',
  cancelled: 'cancelled',
  failed: 'failed',
};

function progressText(s: SweepSummary): string {
  const p = s.progress;
  const share = p.requestsTotal > 0 ? formatPercent(p.requestsDone / p.requestsTotal) : '—';
  const eta = p.etaMs !== null && s.state === 'running' ? ` · about ${formatDuration(p.etaMs)} left` : '';
  const now = p.current ? ` · point ${p.current.pointIndex + 1}, side ${p.current.side}` : '';
  return `${formatCount(p.pointsDone)}/${formatCount(p.pointsTotal)} point-sides · ${share} of requests${now}${eta}`;
}

function SweepList({ store }: { store: SpeedStore }) {
  const sweeps = useStore(store, (s) => s.sweeps);
  const selectedId = useStore(store, (s) => s.selectedId);
  return (
    <section className="speed-list" aria-labelledby="sweeps-heading" data-testid="sweep-list">
      <h2 id="sweeps-heading">Sweeps</h2>
      {sweeps.length === 0 && <p className="muted small-print">None yet.</p>}
      <ul>
        {sweeps.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={s.id === selectedId ? 'speed-list-item active' : 'speed-list-item'}
              data-testid={`sweep-item-${s.id}`}
              aria-current={s.id === selectedId}
              onClick={() => void store.getState().select(s.id)}
            >
              <span className="speed-list-name">{s.name}</span>
              <span className={`state-chip state-${s.state}`}>{STATE_WORDS[s.state]}</span>
              <span className="small-print muted">{progressText(s)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function StartSweep({ store }: { store: SpeedStore }) {
  const specs = useStore(store, (s) => s.specs);
  const starting = useStore(store, (s) => s.starting);
  const startError = useStore(store, (s) => s.startError);
  const [spec, setSpec] = useState('');
  const [aTarget, setATarget] = useState('sim');
  const [bTarget, setBTarget] = useState('sim');
  const chosen = spec || specs[0]?.path || '';
  const form: StartSweepForm = {
    spec: chosen,
    A: { target: aTarget.trim() || 'sim', kind: 'vllm-omni' },
    B: { target: bTarget.trim() || 'sim', kind: 'diffusers' },
    sides: ['A', 'B'],
  };
  return (
    <form
      className="speed-start"
      data-testid="start-sweep-form"
      onSubmit={(e) => {
        e.preventDefault();
        void store.getState().start(form);
      }}
    >
      <h2>Start a sweep</h2>
      <label>
        Spec
        <select value={chosen} data-testid="sweep-spec" onChange={(e) => setSpec(e.target.value)}>
          {specs.length === 0 && <option value="">no sweep specs found</option>}
          {specs.map((s) => (
            <option key={s.path} value={s.path}>
              {s.name} ({s.points} points)
            </option>
          ))}
        </select>
      </label>
      <label>
        A (vLLM-Omni)
        <input value={aTarget} data-testid="sweep-a-target" placeholder="sim or http://127.0.0.1:8000" onChange={(e) => setATarget(e.target.value)} />
      </label>
      <label>
        B (diffusers)
        <input value={bTarget} data-testid="sweep-b-target" placeholder="sim or http://127.0.0.1:8001" onChange={(e) => setBTarget(e.target.value)} />
      </label>
      <button type="submit" className="primary" data-testid="start-sweep" disabled={starting || !chosen}>
        {starting ? 'Starting…' : 'Start sweep'}
      </button>
      {startError && (
        <p className="field-error" role="alert" data-testid="start-sweep-error">
          {startError}
        </p>
      )}
    </form>
  );
}

function OpenSweep({ store }: { store: SpeedStore }) {
  const openError = useStore(store, (s) => s.openError);
  const [dir, setDir] = useState('');
  return (
    <form
      className="speed-start"
      data-testid="open-sweep-form"
      onSubmit={(e) => {
        e.preventDefault();
        void store.getState().openFolder(dir);
      }}
    >
      <h2>Open a sweep folder</h2>
      <label>
        Folder written by <code>omni-review sweep --out</code>
        <input value={dir} data-testid="open-sweep-dir" placeholder="/path/to/sweep" onChange={(e) => setDir(e.target.value)} />
      </label>
      <button type="submit" className="small" data-testid="open-sweep">
        Open
      </button>
      {openError && (
        <p className="field-error" role="alert" data-testid="open-sweep-error">
          {openError}
        </p>
      )}
    </form>
  );
}

function useFlash(): [string | null, (text: string) => void] {
  const [flash, setFlash] = useState<string | null>(null);
  useEffect(() => {
    if (flash === null) return;
    const t = setTimeout(() => setFlash(null), 2500);
    return () => clearTimeout(t);
  }, [flash]);
  return [flash, setFlash];
}

export function SweepView({ store, result }: { store: SpeedStore; result: SweepResult }) {
  const s = result.summary;
  const simulated = s.backends.A.simulated || s.backends.B.simulated;
  const [flash, setFlash] = useFlash();
  const stem = fileSlug(`${s.name}-${s.id}`);
  async function copy(what: string, text: string) {
    setFlash((await copyText(text)) ? `${what} copied as Markdown` : `Could not reach the clipboard; use the CSV or JSON download instead`);
  }
  return (
    <div className="speed-view" data-testid="sweep-view">
      <header className="speed-head">
        <div>
          <h1 data-testid="sweep-name">{s.name}</h1>
          <p className="small-print muted">
            <span className="mono">{s.id}</span> · A {s.backends.A.label} ({s.backends.A.target}) · B {s.backends.B.label} ({s.backends.B.target}) ·{' '}
            {formatCount(result.spec.requests)} requests per point and side, {formatCount(result.spec.warmup)} warm-up · {result.spec.size} · {result.spec.steps} steps · seed {result.spec.seed}
          </p>
          <p className="small-print" data-testid="sweep-progress">
            <span className={`state-chip state-${s.state}`}>{STATE_WORDS[s.state]}</span> {progressText(s)}
            {s.message ? ` · ${s.message}` : ''}
          </p>
        </div>
        {simulated && (
          <span className="badge-sim" data-testid="sweep-simulated" title="A simulator stands in for at least one backend: its timings are modelled, not measured on a GPU">
            SIMULATED
          </span>
        )}
      </header>
      <div className="speed-exports">
        <button type="button" className="small" data-testid="copy-team-md" onClick={() => void copy('A-vs-B table', teamMarkdown(result))}>
          Copy A-vs-B table (Markdown)
        </button>
        <button type="button" className="small" data-testid="copy-results-md" onClick={() => void copy('Results table', resultsMarkdown(result))}>
          Copy results table (Markdown)
        </button>
        <button type="button" className="small" data-testid="download-csv" onClick={() => downloadText(sweepCsv(result), `${stem}.csv`, 'text/csv')}>
          Download CSV
        </button>
        <button type="button" className="small" data-testid="download-json" onClick={() => downloadText(sweepJson(result), `${stem}.json`, 'application/json')}>
          Download JSON
        </button>
        {flash && (
          <span className="small-print" role="status" data-testid="speed-flash">
            {flash}
          </span>
        )}
      </div>
      <TeamTable store={store} result={result} />
      <ResultsTable store={store} result={result} />
      <PointDetail store={store} result={result} />
      <Charts store={store} result={result} stem={stem} />
    </div>
  );
}

function TeamTable({ store, result }: { store: SpeedStore; result: SweepResult }) {
  const rows = useMemo(() => teamRows(result), [result]);
  const selected = useStore(store, (s) => s.selectedPointId);
  return (
    <section className="speed-section" aria-labelledby="team-heading">
      <h2 id="team-heading">A vs B per configuration</h2>
      <p className="small-print muted">Mean end-to-end seconds; improvement = (B − A) / B, as the team's notes write it; the speed-up is B / A.</p>
      <table className="speed-table" data-testid="team-table">
        <thead>
          <tr>
            {TEAM_HEADERS.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.pointId} data-testid={`team-row-${r.pointId}`} className={r.pointId === selected ? 'selected' : undefined} onClick={() => store.getState().selectPoint(r.pointId)}>
              <th scope="row">{r.label}</th>
              <td className="num">{r.a}</td>
              <td className="num">{r.b}</td>
              <td className="num">{r.difference}</td>
              <td className="num">{r.improvement}</td>
              <td className={r.aFaster === null ? 'num' : r.aFaster ? 'num a-faster' : 'num a-slower'}>{r.speedup}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ResultsTable({ store, result }: { store: SpeedStore; result: SweepResult }) {
  const rows = useMemo(() => resultRows(result), [result]);
  const selected = useStore(store, (s) => s.selectedPointId);
  return (
    <section className="speed-section" aria-labelledby="results-heading">
      <h2 id="results-heading">Results per point and side</h2>
      <div className="speed-table-scroll">
        <table className="speed-table" data-testid="results-table">
          <thead>
            <tr>
              <th scope="col">Point</th>
              <th scope="col">Side</th>
              {RESULT_COLUMNS.map((c) => (
                <th key={c} scope="col" className="num" title={c === 'promptTokens' ? "The server's count; \"≈… est.\" where the server sends none and the count is our estimate" : undefined}>
                  {RESULT_HEADERS[c]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.key}
                data-testid={`result-row-${r.pointId}-${r.side}`}
                className={`row-side-${r.side.toLowerCase()}${r.pointId === selected ? ' selected' : ''}`}
                onClick={() => store.getState().selectPoint(r.pointId)}
              >
                <th scope="row">{r.side === 'A' ? r.point : ''}</th>
                <td className={`side-tag side-${r.side.toLowerCase()}`}>{r.side}</td>
                {RESULT_COLUMNS.map((c) => (
                  <td key={c} className="num">
                    {r.cells[c]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PointDetail({ store, result }: { store: SpeedStore; result: SweepResult }) {
  const selected = useStore(store, (s) => s.selectedPointId);
  const p = result.points.find((x) => x.point.id === selected) ?? result.points[0] ?? null;
  if (!p) return null;
  const rows = stageRows(p);
  return (
    <section className="speed-section" aria-labelledby="stages-heading" data-testid="point-detail">
      <h2 id="stages-heading">Stages at {pointName(result, p.point)}</h2>
      {rows.length === 0 ? (
        <p className="muted small-print">No stage timings were reported for this point.</p>
      ) : (
        <table className="speed-table" data-testid="stage-table">
          <thead>
            <tr>
              {['Stage', 'Side', 'n', 'Mean', 'Median', 'P90', 'P95', 'P99', 'Std dev'].map((h, i) => (
                <th key={h} scope="col" className={i > 1 ? 'num' : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.stage}:${r.side}`} className={`row-side-${r.side.toLowerCase()}`}>
                <th scope="row">{r.stage.replace(/_/g, ' ')}</th>
                <td className={`side-tag side-${r.side.toLowerCase()}`}>{r.side}</td>
                <td className="num">{formatCount(r.stats.n)}</td>
                {(['mean', 'median', 'p90', 'p95', 'p99', 'std'] as const).map((k) => (
                  <td key={k} className="num">
                    {formatDuration(r.stats[k])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function GroupPicker({ store, result, axis }: { store: SpeedStore; result: SweepResult; axis: SweepAxis }) {
  const groups = useMemo(() => axisGroups(result, axis), [result, axis]);
  const chosen = useStore(store, (s: SpeedState) => s.groups[axis]);
  if (groups.length < 2) return null;
  return (
    <label className="small-print speed-group-picker">
      Others fixed at{' '}
      <select value={chosen ?? defaultGroup(groups, axis)?.key} data-testid={`group-${axis}`} onChange={(e) => store.getState().setGroup(axis, e.target.value)}>
        {groups.map((g) => (
          <option key={g.key} value={g.key}>
            {g.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function useGroup(store: SpeedStore, result: SweepResult, axis: SweepAxis) {
  const chosen = useStore(store, (s) => s.groups[axis]);
  return useMemo(() => {
    const groups = axisGroups(result, axis);
    return groups.find((g) => g.key === chosen) ?? defaultGroup(groups, axis);
  }, [result, axis, chosen]);
}

function AxisCharts({ store, result, axis, stem }: { store: SpeedStore; result: SweepResult; axis: 'concurrency' | 'requestRate' | 'batch'; stem: string }) {
  const group = useGroup(store, result, axis);
  const values = axisValues(result, axis);
  const specs: ChartSpec[] = useMemo(() => {
    if (!group || values.length < 2) return [];
    return axis === 'batch' ? [imageThroughputChart(group), memoryChart(group)] : [throughputChart(group, axis), latencyChart(group, axis)];
  }, [group, axis, values.length]);
  const heading = axis === 'batch' ? 'Throughput and peak memory vs batch size' : `Throughput and latency vs ${AXIS_LABELS[axis]}`;
  return (
    <section className="speed-section" aria-label={heading} data-testid={`charts-${axis}`}>
      <header className="speed-section-head">
        <h2>{heading}</h2>
        <GroupPicker store={store} result={result} axis={axis} />
      </header>
      {values.length < 2 ? (
        <p className="muted small-print" data-testid={`charts-${axis}-none`}>
          This sweep has one {AXIS_LABELS[axis]} ({values.map((v) => axisTick(axis, v)).join(', ')}); give the spec more values of it to draw this chart.
        </p>
      ) : (
        <div className="speed-chart-grid">
          {specs.map((spec) => (
            <EChart key={spec.id} spec={spec} fileStem={stem} />
          ))}
        </div>
      )}
    </section>
  );
}

function Charts({ store, result, stem }: { store: SpeedStore; result: SweepResult; stem: string }) {
  const stack = useMemo(() => stageStackChart(result), [result]);
  return (
    <>
      <AxisCharts store={store} result={result} axis="concurrency" stem={stem} />
      <AxisCharts store={store} result={result} axis="requestRate" stem={stem} />
      <AxisCharts store={store} result={result} axis="batch" stem={stem} />
      <section className="speed-section" aria-label="Stage stack" data-testid="charts-stages">
        <h2>Stage stack per point</h2>
        <EChart spec={stack} fileStem={stem} height={result.points.length > 6 ? 480 : 360} />
      </section>
    </>
  );
}
