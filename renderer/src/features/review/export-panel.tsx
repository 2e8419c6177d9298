import { EXPORT_FORMATS } from '../../../../shared/contract.ts';
import { useApp } from '../../state/react.tsx';

/** Export the run (with verdicts) as HTML, JSON, CSV, Markdown or PDF; say where the file went and link to it. */
export function ExportPanel() {
  const exportRun = useApp((s) => s.exportRun);
  const state = useApp((s) => s.exportState);
  return (
    <section className="inspector-section export" aria-labelledby="export-heading">
      <header className="section-head">
        <h3 id="export-heading">Export</h3>
      </header>
      <div className="export-buttons">
        {EXPORT_FORMATS.map((f) => (
          <button key={f} type="button" className="small" data-testid={`export-${f}`} disabled={state.status === 'working'} onClick={() => void exportRun(f)}>
            {f.toUpperCase()}
          </button>
        ))}
      </div>
      {state.status === 'working' && <p className="muted small-print">Writing report.{state.format}…</p>}
      {state.status === 'done' && state.url && (
        <p className="small-print export-result" data-testid="export-result">
          Wrote{' '}
          <a href={state.url} target="_blank" rel="noreferrer" data-testid="export-link">
            {state.file}
          </a>{' '}
          to <span className="mono path" data-testid="export-path">{state.path}</span>
        </p>
      )}
      {state.status === 'error' && (
        <p className="field-error" role="alert" data-testid="export-error">
          Export failed: {state.message}
        </p>
      )}
    </section>
  );
}
