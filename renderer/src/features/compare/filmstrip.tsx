/**
 * Multi-turn chains as a filmstrip: one cell per turn with both outputs (positional, as the panes) and the
 * A↔B diff at that turn; the current turn highlighted; a click selects the turn.
 *
 * Thumbnails are small copies made once per image (thumbnails.ts), and only once the main view of the chain
 * has painted, so on a pair switch they never compete with the big images for decode time.
 */
import { memo, useEffect, useState } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatPercent } from '../../../../shared/units.ts';
import { placeSides, sideProblem, type BackendLabels } from './sides.ts';
import { peekThumbnail, requestThumbnail } from './thumbnails.ts';

interface FilmstripProps {
  runId: string;
  pair: PairView;
  chain: PairView[];
  blind: boolean;
  /** The current pair's placement is used for every turn, so the strip reads like the panes above it. */
  swapped: boolean;
  backendLabels?: BackendLabels | null;
  imageUrl: (runId: string, imageId: string) => string;
  showImages: boolean;
  onSelectTurn: (pairKey: string) => void;
}

export const Filmstrip = memo(function Filmstrip({ runId, pair, chain, blind, swapped, backendLabels, imageUrl, showImages, onSelectTurn }: FilmstripProps) {
  return (
    <nav className="cv-filmstrip" data-testid="filmstrip" aria-label="Turns of this chain">
      <span className="cv-filmstrip-title">
        Turns <span className="cv-muted">[ ]</span>
      </span>
      {chain.map((turn) => {
        const places = placeSides(turn, blind, swapped, backendLabels);
        const current = turn.key === pair.key;
        const d = turn.diff;
        const diffText = d?.sizeMismatch ? 'size ≠' : d?.identical ? 'identical' : d ? formatPercent(d.ratio) : '—';
        return (
          <button
            type="button"
            key={turn.key}
            className={`cv-turn ${current ? 'is-current' : ''}`}
            data-testid={`filmstrip-turn-${turn.turn}`}
            aria-current={current ? 'step' : undefined}
            title={`Turn ${turn.turn}: ${turn.prompt}`}
            onClick={() => onSelectTurn(turn.key)}
          >
            <span className="cv-turn-thumbs">
              {places.map((p) => {
                const problem = sideProblem(p.view);
                const id = p.view.imageId;
                return (
                  <span key={p.position} className="cv-thumb" style={{ ['--cv-side' as string]: `var(${p.colorVar})` }}>
                    {problem || !id ? (
                      <span className={`cv-thumb-missing ${problem?.tone === 'error' ? 'is-error' : ''}`} title={problem ? `${p.label}: ${problem.title}` : ''}>
                        {problem?.tone === 'error' ? '!' : '…'}
                      </span>
                    ) : showImages ? (
                      <Thumb url={imageUrl(runId, id)} alt={`${p.label}, turn ${turn.turn}`} />
                    ) : null}
                  </span>
                );
              })}
            </span>
            <span className="cv-turn-meta">
              <span>t{turn.turn}</span>
              <span className="cv-mono" title="A↔B changed pixels at this turn">
                Δ {diffText}
              </span>
            </span>
          </button>
        );
      })}
    </nav>
  );
});

/** A thumbnail: the small copy once made (the original if it cannot be made), nothing before. */
function Thumb({ url, alt }: { url: string; alt: string }) {
  const [, setMade] = useState(0);
  const small = peekThumbnail(url);
  useEffect(() => {
    if (peekThumbnail(url) !== undefined) return;
    let live = true;
    void requestThumbnail(url).then(() => {
      if (live) setMade((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [url]);
  if (small === undefined) return null;
  return <img src={small ?? url} alt={alt} decoding="async" draggable={false} />;
}
