import { useEffect, useState } from 'react';
import { errorMessage } from '../../bridge/errors.ts';
import { useApp, useReviewApi } from '../../state/react.tsx';
import { SummaryView, type RunSummaryData } from './summary-view.tsx';
import './summary.css';

type Load = { status: 'loading' } | { status: 'ready'; data: RunSummaryData } | { status: 'error'; message: string };

/** The Summary screen: the open run's headline and per-category table from the engine's `runs:summary`. */
export function SummaryPage() {
  const api = useReviewApi();
  const runId = useApp((s) => s.runId);
  const blind = useApp((s) => s.blind);
  const exportRun = useApp((s) => s.exportRun);
  const exportState = useApp((s) => s.exportState);
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  // Bumped by Refresh: the effect below asks the engine again.
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    if (runId === null) return;
    let current = true;
    api.call('runs:summary', { runId }).then(
      (data) => {
        if (current) setLoad({ status: 'ready', data });
      },
      (error: unknown) => {
        if (current) setLoad({ status: 'error', message: errorMessage(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [api, runId, asked]);

  const refresh = () => {
    setLoad({ status: 'loading' });
    setAsked((n) => n + 1);
  };

  if (runId === null) return <p className="muted summary-page">Open a run from the Runs page first.</p>;
  return (
    <div className="summary-page" data-testid="summary-page">
      <div className="summary-actions">
        <button type="button" className="small" data-testid="summary-refresh" onClick={refresh} disabled={load.status === 'loading'}>
          Refresh
        </button>
        <button type="button" className="small" data-testid="summary-export-md" disabled={exportState.status === 'working'} onClick={() => void exportRun('md')}>
          Markdown
        </button>
        <button type="button" className="small" data-testid="summary-export-pdf" disabled={exportState.status === 'working'} onClick={() => void exportRun('pdf')}>
          PDF
        </button>
        {exportState.status === 'working' && <span className="muted small-print">Writing report.{exportState.format}…</span>}
        {exportState.status === 'done' && exportState.url && (
          <span className="small-print" data-testid="summary-export-result">
            Wrote{' '}
            <a href={exportState.url} target="_blank" rel="noreferrer">
              {exportState.file}
            </a>{' '}
            to <span className="mono">{exportState.path}</span>
          </span>
        )}
        {exportState.status === 'error' && (
          <span className="field-error" role="alert">
            Export failed: {exportState.message}
          </span>
        )}
      </div>
      {load.status === 'loading' && <p className="muted">Summarising the run…</p>}
      {load.status === 'error' && (
        <p className="field-error" role="alert" data-testid="summary-error">
          The summary could not be made: {load.message}
        </p>
      )}
      {load.status === 'ready' && <SummaryView data={load.data} blind={blind} />}
    </div>
  );
}
