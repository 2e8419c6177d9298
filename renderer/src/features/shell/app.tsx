import { Suspense, lazy, useEffect } from 'react';
import { keyActionFor } from '../../lib/keys.ts';
import { useApp, useStoreApi } from '../../state/react.tsx';
import { ReviewPage } from '../review/review-page.tsx';
import { RunsPage } from '../runs/runs-page.tsx';
import { SummaryPage } from '../summary/summary-page.tsx';
import { HelpSheet } from './help-sheet.tsx';
import { NoticeToast } from './notice-toast.tsx';
import { ReviewerPrompt } from './reviewer-prompt.tsx';
import { TopBar } from './top-bar.tsx';
import './shell.css';

// The Speed screen carries the chart library (ECharts, about half the bundle): loaded when first opened, so the
// review screens start as fast as before.
const SpeedPage = lazy(() => import('../speed/speed-page.tsx').then((m) => ({ default: m.SpeedPage })));

export function App() {
  const store = useStoreApi();
  const ready = useApp((s) => s.ready);
  const bootError = useApp((s) => s.bootError);
  const view = useApp((s) => s.view);
  const overlay = useApp((s) => s.overlay);
  const setOverlay = useApp((s) => s.setOverlay);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      const action = keyActionFor(event);
      if (action === null) return;
      // Space would scroll or press the focused button; '/' would type into the box it focuses.
      event.preventDefault();
      store.getState().handleAction(action);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);

  return (
    <div className="app" data-testid="app">
      <TopBar />
      {bootError !== null ? (
        <BootError message={bootError} onRetry={() => void store.getState().boot()} />
      ) : !ready ? (
        <div className="boot" aria-busy="true">
          Connecting to the engine…
        </div>
      ) : view === 'runs' ? (
        <RunsPage />
      ) : view === 'summary' ? (
        <SummaryPage />
      ) : view === 'speed' ? (
        <Suspense
          fallback={
            <div className="boot" aria-busy="true">
              Loading the Speed screen…
            </div>
          }
        >
          <SpeedPage />
        </Suspense>
      ) : (
        <ReviewPage />
      )}
      <NoticeToast />
      {overlay === 'help' && <HelpSheet onClose={() => setOverlay(null)} />}
      {overlay === 'reviewer' && ready && <ReviewerPrompt />}
    </div>
  );
}

function BootError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="boot boot-error" role="alert" data-testid="boot-error">
      <h1>The engine did not answer</h1>
      <p className="mono">{message}</p>
      <p className="muted">
        In browser mode start it with <code>omni-review serve</code> (it runs the engine with the embedded simulators) and
        reload.
      </p>
      <button type="button" className="primary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
