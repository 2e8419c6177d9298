import type { PairView } from '../../../../shared/contract.ts';
import { formatRatio } from '../../lib/format.ts';

/** Under the images: the prompt, the text the output should show, and the A↔B comparison numbers. */
export function PairDetails({ pair }: { pair: PairView }) {
  const d = pair.diff;
  return (
    <section className="pair-details" data-testid="pair-details">
      <div className="prompt-line">
        <span className="label">Prompt</span>
        <p className="prompt" data-testid="pair-prompt">
          {pair.prompt}
        </p>
      </div>
      {pair.negativePrompt && (
        <div className="prompt-line">
          <span className="label">Negative</span>
          <p className="prompt muted">{pair.negativePrompt}</p>
        </div>
      )}
      <div className="prompt-line">
        <span className="label">Expected text</span>
        {pair.expectedText.length > 0 ? (
          <ul className="expected-text" data-testid="expected-text">
            {pair.expectedText.map((t, i) => (
              <li key={`${i}-${t}`} lang={/[\u3400-\u9fff]/.test(t) ? 'zh' : undefined}>
                {t}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">none (no quoted text in the prompt)</span>
        )}
      </div>
      <div className="metrics-line mono" data-testid="diff-metrics">
        {d === null ? (
          <span className="muted">No A↔B comparison yet (a side is missing or failed).</span>
        ) : d.sizeMismatch ? (
          <span className="warn">
            Sizes differ: {d.sizeMismatch.first} vs {d.sizeMismatch.second}; pixel diff not computed
            {d.ssim !== null ? ` · SSIM ${d.ssim.toFixed(4)} (downsampled)` : ''}
          </span>
        ) : (
          <>
            <span title="Share of pixels that differ between A and B (pixelmatch)">Δ {d.identical ? 'identical' : formatRatio(d.ratio)}</span>
            {d.pixels !== null && <span>{d.pixels.toLocaleString('en-US')} px</span>}
            {d.ssim !== null && <span>SSIM {d.ssim.toFixed(4)}</span>}
            <span>PSNR {d.psnr === null ? (d.identical ? '∞' : '—') : `${d.psnr.toFixed(1)} dB`}</span>
            {d.bounds && (
              <span className="muted">
                changed box {d.bounds.width}×{d.bounds.height} at {d.bounds.x},{d.bounds.y}
              </span>
            )}
          </>
        )}
        {(['A', 'B'] as const).map((s) =>
          pair[s].vsSource?.ratio != null ? (
            <span key={s} className="muted" title={`${s} output vs the image it edited`}>
              {s} vs source {formatRatio(pair[s].vsSource!.ratio)}
            </span>
          ) : null,
        )}
      </div>
    </section>
  );
}
