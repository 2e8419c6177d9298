import { currentRun } from '../../state/selectors.ts';
import { useApp } from '../../state/react.tsx';

/** Runs, the open run (with SIMULATED when it is), blind state, reviewer, help. */
export function TopBar() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const run = useApp(currentRun);
  const runId = useApp((s) => s.runId);
  const blind = useApp((s) => s.blind);
  const toggleBlind = useApp((s) => s.toggleBlind);
  const reviewer = useApp((s) => s.settings.reviewer);
  const setOverlay = useApp((s) => s.setOverlay);
  const simulated = run !== null && (run.backends.A.simulated || run.backends.B.simulated);

  return (
    <header className="top-bar" data-testid="top-bar">
      <div className="brand">Omni Review</div>
      <nav className="top-nav" aria-label="Main">
        <button type="button" className={view === 'runs' ? 'tab active' : 'tab'} data-testid="nav-runs" onClick={() => setView('runs')}>
          Runs
        </button>
        <button
          type="button"
          className={view === 'review' ? 'tab active' : 'tab'}
          data-testid="nav-review"
          disabled={runId === null}
          title={runId === null ? 'Open a run from the Runs page first' : undefined}
          onClick={() => setView('review')}
        >
          Review
        </button>
        <button
          type="button"
          className={view === 'summary' ? 'tab active' : 'tab'}
          data-testid="nav-summary"
          disabled={runId === null}
          title={runId === null ? 'Open a run from the Runs page first' : 'The run\'s headline and per-category table'}
          onClick={() => setView('summary')}
        >
          Summary
        </button>
        <button type="button" className={view === 'speed' ? 'tab active' : 'tab'} data-testid="nav-speed" onClick={() => setView('speed')}>
          Speed
        </button>
      </nav>
      {run && (
        <div className="top-run" data-testid="current-run">
          <span className="top-run-name" title={run.dir}>
            {run.suiteName}
          </span>
          <span className="top-run-id mono">{run.id}</span>
          <span className={`state-chip state-${run.state}`}>{run.state}</span>
          {simulated && (
            <span className="badge-sim" data-testid="simulated-badge" title="At least one backend of this run is a simulator: its images and timings are synthetic">
              SIMULATED
            </span>
          )}
        </div>
      )}
      <div className="top-spacer" />
      <button
        type="button"
        className={blind ? 'toggle on' : 'toggle'}
        data-testid="blind-indicator"
        aria-pressed={blind}
        title="Blind mode (b): hide backend names and swap sides per chain at random"
        onClick={toggleBlind}
      >
        <span className="dot" aria-hidden="true" />
        Blind {blind ? 'on' : 'off'}
      </button>
      <button type="button" className="link-button" data-testid="reviewer-name" title="Change reviewer" onClick={() => setOverlay('reviewer')}>
        {reviewer.trim() === '' ? 'Set reviewer' : reviewer}
      </button>
      <button type="button" className="icon-button" data-testid="help-button" aria-label="Keyboard shortcuts" onClick={() => setOverlay('help')}>
        ?
      </button>
    </header>
  );
}
