import type { RunSummary } from '../../../../shared/contract.ts';
import { formatWhen } from '../../lib/format.ts';
import { formatCount, formatDuration } from '../../../../shared/units.ts';
import { useApp } from '../../state/react.tsx';
import { ProgressBar } from './progress-bar.tsx';

const ACTIVE = new Set(['starting', 'running']);
const RESUMABLE = new Set(['cancelled', 'partial', 'failed']);

export function RunList() {
  const runs = useApp((s) => s.runs);
  const runsError = useApp((s) => s.runsError);
  const refreshRuns = useApp((s) => s.refreshRuns);
  return (
    <section className="panel runs-list" aria-labelledby="runs-heading">
      <header className="panel-head">
        <h2 id="runs-heading">Runs</h2>
        <span className="muted">{runs.length === 0 ? 'none yet' : `${runs.length}`}</span>
        <div className="top-spacer" />
        <button type="button" className="small" data-testid="runs-refresh" onClick={() => void refreshRuns()}>
          Refresh
        </button>
      </header>
      {runsError && <p className="field-error" role="alert">{runsError}</p>}
      {runs.length === 0 ? (
        <p className="empty">Start a run on the left, or open a folder written by <code>omni-review run --out DIR</code> below.</p>
      ) : (
        <ul className="run-rows">
          {runs.map((run) => (
            <RunRow key={run.id} run={run} />
          ))}
        </ul>
      )}
      <OpenFolder />
    </section>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const openRun = useApp((s) => s.openRun);
  const cancelRun = useApp((s) => s.cancelRun);
  const resumeRun = useApp((s) => s.resumeRun);
  const busy = useApp((s) => s.busyRuns.includes(run.id));
  const current = useApp((s) => s.runId === run.id);
  const simulated = run.backends.A.simulated || run.backends.B.simulated;
  const active = ACTIVE.has(run.state);
  const p = run.progress;
  return (
    <li className={`run-row${current ? ' current' : ''}`} data-testid="run-row" data-run-id={run.id} data-state={run.state}>
      <div className="run-row-head">
        <span className="run-name">{run.suiteName}</span>
        <span className="mono muted">{run.id}</span>
        <span className={`state-chip state-${run.state}`} data-testid="run-state">
          {run.state}
        </span>
        {simulated && (
          <span className="badge-sim" data-testid="simulated-badge">
            SIMULATED
          </span>
        )}
        <div className="top-spacer" />
        <span className="muted">{formatWhen(run.createdAt)}</span>
      </div>
      <div className="run-row-backends">
        <span>
          <b className="side-a">A</b> {run.backends.A.label} <span className="mono muted">{run.backends.A.url}</span>
          {run.backends.A.path && <span className="muted"> · {run.backends.A.path}</span>}
        </span>
        <span>
          <b className="side-b">B</b> {run.backends.B.label} <span className="mono muted">{run.backends.B.url}</span>
          {run.backends.B.path && <span className="muted"> · {run.backends.B.path}</span>}
        </span>
      </div>
      <div className="run-row-progress">
        <ProgressBar label="A" progress={p.A} testId="progress-A" />
        <ProgressBar label="B" progress={p.B} testId="progress-B" />
      </div>
      <div className="run-row-foot">
        <span className="mono">
          compared {formatCount(p.compare.done)}/{formatCount(p.compare.total)} · reviewed {formatCount(run.reviewed)}/{formatCount(run.pairs)}
        </span>
        {active && (
          <span className="mono" data-testid="run-eta">
            · ETA {p.etaMs === null ? 'estimating…' : formatDuration(p.etaMs)}
          </span>
        )}
        <div className="top-spacer" />
        {active && (
          <button type="button" className="small danger" data-testid="run-cancel" disabled={busy} onClick={() => void cancelRun(run.id)}>
            Cancel
          </button>
        )}
        {RESUMABLE.has(run.state) && (
          <button type="button" className="small" data-testid="run-resume" disabled={busy} onClick={() => void resumeRun(run.id)}>
            Resume
          </button>
        )}
        <button type="button" className="small primary" data-testid="run-open" onClick={() => void openRun(run.id)}>
          Review
        </button>
      </div>
      {run.message && (
        <p className={run.state === 'failed' ? 'field-error' : 'muted run-message'} data-testid="run-message">
          {run.message}
        </p>
      )}
    </li>
  );
}

function OpenFolder() {
  const openRunFolder = useApp((s) => s.openRunFolder);
  const openState = useApp((s) => s.openState);
  return (
    <form
      className="open-folder"
      onSubmit={(e) => {
        e.preventDefault();
        const dir = String(new FormData(e.currentTarget).get('dir') ?? '').trim();
        if (dir !== '') void openRunFolder(dir);
      }}
    >
      <label className="field grow">
        <span>Open run folder…</span>
        <input name="dir" data-testid="open-folder-input" placeholder="/path/to/run (the folder holding run.json)" spellCheck={false} />
      </label>
      <button type="submit" className="small" data-testid="open-folder-submit" disabled={openState.status === 'working'}>
        Open
      </button>
      {openState.status === 'error' && (
        <p className="field-error wide" role="alert" data-testid="open-folder-error">
          {openState.message}
        </p>
      )}
    </form>
  );
}
