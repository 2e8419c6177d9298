/**
 * What the pair was asked to do (prompt, negative prompt, expected text) and what the comparison measured.
 * Prompts come from suite files and backends: React escapes them; nothing here is ever set as HTML.
 */
import { memo } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatPercent } from '../../../../shared/units.ts';
import { fmtCount } from './format.ts';
import { placeSides, type BackendLabels } from './sides.ts';

function fmtNum(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);
}

interface PairInfoProps {
  pair: PairView;
  blind: boolean;
  swapped: boolean;
  backendLabels?: BackendLabels | null;
}

export const PairInfo = memo(function PairInfo({ pair, blind, swapped, backendLabels }: PairInfoProps) {
  const places = placeSides(pair, blind, swapped, backendLabels);
  const d = pair.diff;
  return (
    <section className="cv-info" aria-label="Prompt and comparison">
      <div className="cv-info-title">
        <span className="cv-mono">{pair.caseId}</span>
        {pair.title && <span>{pair.title}</span>}
        <span className="cv-chip">{pair.category}</span>
        {pair.turns > 1 && (
          <span className="cv-muted">
            turn {pair.turn}/{pair.turns}
          </span>
        )}
        {pair.repeat > 1 && <span className="cv-muted">repeat {pair.repeat}</span>}
      </div>
      <p className="cv-prompt" data-testid="prompt">
        {pair.prompt}
      </p>
      {pair.negativePrompt && (
        <p className="cv-neg-prompt">
          <span className="cv-muted">negative </span>
          {pair.negativePrompt}
        </p>
      )}
      <div className="cv-expected" data-testid="expected-text">
        <span className="cv-muted">expected text</span>
        {pair.expectedText.length === 0 ? (
          <span className="cv-muted">none</span>
        ) : (
          pair.expectedText.map((t, i) => (
            <span key={i} className="cv-expected-item" lang="und">
              {t}
            </span>
          ))
        )}
      </div>
      <dl className="cv-metrics">
        <div title="Pixels over the pixelmatch threshold between the two outputs">
          <dt>Δ {places[0].short}↔{places[1].short}</dt>
          <dd>{d ? (d.sizeMismatch ? 'size mismatch' : d.identical ? 'identical' : `${formatPercent(d.ratio)} · ${fmtCount(d.pixels)} px`) : '—'}</dd>
        </div>
        <div title="Structural similarity on a common downsample (1 = same)">
          <dt>SSIM</dt>
          <dd>{fmtNum(d?.ssim, 4)}</dd>
        </div>
        <div title="Peak signal-to-noise ratio on a common downsample">
          <dt>PSNR</dt>
          <dd>{d?.identical ? '∞' : d?.psnr != null ? `${fmtNum(d.psnr, 1)} dB` : '—'}</dd>
        </div>
        {places.map((p) => (
          <div key={p.position} title={`${p.label}: share of pixels changed against the image it edited`}>
            <dt>
              {p.short} vs src
            </dt>
            <dd>{formatPercent(p.view.vsSource?.ratio)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
});
