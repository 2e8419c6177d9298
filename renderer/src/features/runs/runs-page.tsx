import { CompareRunsPanel } from './compare-runs-panel.tsx';
import { RunList } from './run-list.tsx';
import { StartRunForm } from './start-run-form.tsx';
import './runs.css';

export function RunsPage() {
  return (
    <div className="runs-page" data-testid="runs-page">
      <StartRunForm />
      <RunList />
      <CompareRunsPanel />
    </div>
  );
}
