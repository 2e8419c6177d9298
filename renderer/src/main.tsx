import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge/index.ts';
import { errorMessage } from './bridge/errors.ts';
import { windowBridgeEnvironment } from './bridge/window-environment.ts';
import { App } from './features/shell/app.tsx';
import { AppProvider } from './state/react.tsx';
import { createReviewStore } from './state/store.ts';
import './styles/theme.css';

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const { api } = await pickBridge(windowBridgeEnvironment());
    const store = createReviewStore({ api });
    root.render(
      <StrictMode>
        <AppProvider store={store} api={api}>
          <App />
        </AppProvider>
      </StrictMode>,
    );
    await store.getState().boot();
  } catch (error) {
    root.render(
      <main className="boot boot-error" role="alert">
        <h1>Omni Review could not start</h1>
        <p className="mono">{errorMessage(error)}</p>
      </main>,
    );
  }
}

void start();
