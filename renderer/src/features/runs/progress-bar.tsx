import type { SideProgress } from '../../../../shared/contract.ts';
import { formatCount } from '../../../../shared/units.ts';

/** One backend's job progress: ok / error / running segments over the total, with counts in words. */
export function ProgressBar({ label, progress, testId }: { label: string; progress: SideProgress; testId: string }) {
  const total = Math.max(progress.total, 1);
  const pct = (n: number) => `${((n / total) * 100).toFixed(2)}%`;
  const skipped = progress.done - progress.ok - progress.error;
  return (
    <div className="progress" data-testid={testId} data-done={progress.done} data-total={progress.total} data-error={progress.error}>
      <div className="progress-head">
        <span className="progress-label">{label}</span>
        <span className="progress-counts mono">
          {formatCount(progress.done)}/{formatCount(progress.total)}
          {progress.running > 0 && <span className="muted"> · {progress.running} running</span>}
          {progress.error > 0 && <span className="err"> · {progress.error} error{progress.error === 1 ? '' : 's'}</span>}
          {skipped > 0 && <span className="muted"> · {skipped} skipped</span>}
        </span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={`${label} progress`}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
      >
        <span className="seg seg-ok" style={{ width: pct(progress.ok) }} />
        <span className="seg seg-err" style={{ width: pct(progress.error) }} />
        <span className="seg seg-skip" style={{ width: pct(Math.max(0, skipped)) }} />
        <span className="seg seg-run" style={{ width: pct(progress.running) }} />
      </div>
    </div>
  );
}
