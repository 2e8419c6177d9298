/**
 * Stand-in for the compare view (renderer/src/features/compare, built separately behind CompareViewProps):
 * source | left | right as plain images, labelled by backend or, in blind mode, by position. It honours the
 * blind swap so the rest of the review flow can be used and tested before the real view lands.
 */
import type { PairSideView } from '../../../../shared/contract.ts';
import type { CompareViewProps } from '../compare/types.ts';

function sideOf(props: CompareViewProps, position: 'left' | 'right'): 'A' | 'B' {
  const leftIsB = props.blind && props.swapped;
  return position === 'left' ? (leftIsB ? 'B' : 'A') : leftIsB ? 'A' : 'B';
}

export function ComparePlaceholder(props: CompareViewProps) {
  const { pair, runId, imageUrl, blind } = props;
  const labels = props.backendLabels ?? { A: 'A', B: 'B' };
  // From turn 2 on each side edits its own previous output; show the left side's source.
  const leftSide = sideOf(props, 'left');
  const sourceId = pair[leftSide].sourceId;
  const pane = (position: 'left' | 'right') => {
    const side = sideOf(props, position);
    const view = pair[side];
    const name = blind ? (position === 'left' ? 'Left' : 'Right') : `${side} · ${labels[side]}`;
    return (
      <figure className={`pane pane-${position}`} key={position}>
        <figcaption>
          <span data-testid={`label-${position}`} className={blind ? 'label-blind' : side === 'A' ? 'side-a' : 'side-b'}>
            {name}
          </span>
          <Dims view={view} />
        </figcaption>
        <SideImage testId={`pane-${position}`} view={view} url={view.imageId ? imageUrl(runId, view.imageId) : null} alt={`${name} output`} />
      </figure>
    );
  };
  return (
    <div className="compare-placeholder" data-testid="compare-view" data-mode={props.mode}>
      <figure className="pane pane-source">
        <figcaption>
          <span>
            Source
            {pair.turn > 1 ? ` (${blind ? 'left' : leftSide}'s turn ${pair.turn - 1} output)` : ''}
          </span>
        </figcaption>
        {sourceId ? (
          <img data-testid="pane-source" src={imageUrl(runId, sourceId)} alt="Source image" decoding="async" draggable={false} />
        ) : (
          <div className="pane-empty" data-testid="pane-source">
            No source: text-to-image generation
          </div>
        )}
      </figure>
      {pane('left')}
      {pane('right')}
    </div>
  );
}

function Dims({ view }: { view: PairSideView }) {
  if (view.width === null || view.height === null) return null;
  return (
    <span className="mono muted">
      {view.width}×{view.height}
    </span>
  );
}

function SideImage({ testId, view, url, alt }: { testId: string; view: PairSideView; url: string | null; alt: string }) {
  if (url) return <img data-testid={testId} src={url} alt={alt} decoding="async" draggable={false} />;
  const text =
    view.status === 'error'
      ? (view.error?.message ?? 'failed')
      : view.status === 'skipped'
        ? (view.error?.message ?? 'skipped')
        : view.status === 'running'
          ? 'running…'
          : 'waiting for the backend…';
  return (
    <div className={`pane-empty ${view.status === 'error' ? 'pane-error' : ''}`} data-testid={testId} role={view.status === 'error' ? 'alert' : undefined}>
      {text}
    </div>
  );
}
