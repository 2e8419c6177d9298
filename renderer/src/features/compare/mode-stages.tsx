/**
 * What each view mode draws in the image area. Every mode is built from Surfaces and Layers that follow the
 * one shared viewport, so zoom and pan carry over when the reviewer switches modes.
 */
import { useRef, type ReactNode } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { formatPercent } from '../../../../shared/units.ts';
import { fmtCount } from './format.ts';
import { swipeClipPath, swipeFraction, swipeKeyStep } from './geometry.ts';
import { outputSize, sideProblem, sourceFor, type PlacedSide, type Position } from './sides.ts';
import { BoundsBox, Layer, PaneImage, Problem, Surface } from './surface.tsx';
import { TextBoxes } from './text-boxes.tsx';
import type { Size } from './viewport.ts';

export interface StageCommon {
  runId: string;
  pair: PairView;
  places: readonly [PlacedSide, PlacedSide];
  frame: Size;
  /** What panes draw: a display-sized copy at fit, the original when zoomed in. */
  imageUrl: (runId: string, imageId: string) => string;
  /** The original (the pixel inspector reads it). */
  fullUrl: (runId: string, imageId: string) => string;
  /** Draw each side's OCR boxes over its output. */
  showText?: boolean;
}

/** A PaneImage's three image props, all from one id: what it draws, what the pixel inspector reads, the id. */
function imageSources(common: StageCommon, imageId: string): { url: string; fullUrl: string; imageId: string } {
  return { url: common.imageUrl(common.runId, imageId), fullUrl: common.fullUrl(common.runId, imageId), imageId };
}

function SideLabel({ place, testId, extra }: { place: PlacedSide; testId?: string; extra?: ReactNode }) {
  return (
    <div className="cv-pane-label" data-testid={testId} style={{ ['--cv-side' as string]: `var(${place.colorVar})` }}>
      <span className="cv-side-dot" />
      <span className="cv-pane-label-text" title={place.label}>
        {place.label}
      </span>
      {extra}
    </div>
  );
}

function sizeText(size: Size | null): string | null {
  return size ? `${size.width}×${size.height}` : null;
}

/** An output image of one side in a layer, or why there is none. */
function OutputLayer({ common, place, role, order }: { common: StageCommon; place: PlacedSide; role: 'left' | 'right'; order: number }) {
  const problem = sideProblem(place.view);
  if (problem || !place.view.imageId) return null;
  return (
    <Layer frame={common.frame}>
      <PaneImage
        role={role}
        {...imageSources(common, place.view.imageId)}
        alt={`${place.label} output`}
        label={place.label}
        colorVar={place.colorVar}
        order={order}
      />
      {common.showText && place.view.text && <TextBoxes check={place.view.text} position={role} />}
    </Layer>
  );
}

function SideProblem({ place }: { place: PlacedSide }) {
  const problem = sideProblem(place.view);
  if (!problem) return null;
  return <Problem title={`${place.label}: ${problem.title}`} detail={problem.detail} tone={problem.tone} />;
}

// ---------------------------------------------------------------------------------------------------------
// split: source | left | right
// ---------------------------------------------------------------------------------------------------------

export function SplitStage({
  common,
  withSource,
  preferSource,
  onPreferSource,
  onSourceSize,
}: {
  common: StageCommon;
  withSource: boolean;
  preferSource: Position;
  onPreferSource: (p: Position) => void;
  onSourceSize: (size: Size) => void;
}) {
  const [left, right] = common.places;
  const source = sourceFor(common.places, preferSource);
  return (
    <div className={`cv-panes ${withSource ? 'cv-panes-3' : 'cv-panes-2'}`}>
      {withSource && (
        <div className="cv-pane">
          <div className="cv-pane-head">
            <div className="cv-pane-label">
              <span className="cv-pane-label-text">Source</span>
              {source.differs && <span className="cv-pane-sub">{source.from === 'left' ? left.label : right.label}’s input</span>}
            </div>
            {source.differs && (
              <div className="cv-seg" role="group" aria-label="Which side's source to show">
                {(['left', 'right'] as const).map((p) => (
                  <button
                    key={p}
                    type="button"
                    className={source.from === p ? 'is-on' : ''}
                    title={`Show the image ${p === 'left' ? left.label : right.label} edited in this turn`}
                    onClick={() => onPreferSource(p)}
                  >
                    {p === 'left' ? left.short : right.short}
                  </button>
                ))}
              </div>
            )}
          </div>
          <Surface testId="pane-source" primary>
            {source.imageId ? (
              <Layer frame={common.frame}>
                <PaneImage
                  role="source"
                  {...imageSources(common, source.imageId)}
                  alt="Source image"
                  label="Source"
                  colorVar={null}
                  order={0}
                  onNaturalSize={onSourceSize}
                />
              </Layer>
            ) : (
              <Problem title="No source" detail="This side has no input image for this turn." tone="muted" />
            )}
          </Surface>
        </div>
      )}
      {[left, right].map((place, i) => (
        <div className="cv-pane" key={place.position}>
          <div className="cv-pane-head">
            <SideLabel
              place={place}
              testId={`label-${place.position}`}
              extra={sizeText(outputSize(place.view)) && <span className="cv-pane-sub">{sizeText(outputSize(place.view))}</span>}
            />
          </div>
          <Surface testId={`pane-${place.position}`} primary={!withSource && i === 0}>
            <OutputLayer common={common} place={place} role={place.position} order={i + 1} />
            <SideProblem place={place} />
          </Surface>
        </div>
      ))}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// swipe / onion / toggle: left and right stacked in one stage
// ---------------------------------------------------------------------------------------------------------

function StageLabels({ places, dim }: { places: readonly [PlacedSide, PlacedSide]; dim?: Position | null }) {
  return (
    <>
      <div className={`cv-corner cv-corner-left ${dim === 'left' ? 'is-dim' : ''}`}>
        <SideLabel place={places[0]} testId="label-left" />
      </div>
      <div className={`cv-corner cv-corner-right ${dim === 'right' ? 'is-dim' : ''}`}>
        <SideLabel place={places[1]} testId="label-right" />
      </div>
    </>
  );
}

function OverlayProblems({ places }: { places: readonly [PlacedSide, PlacedSide] }) {
  const bad = places.filter((p) => sideProblem(p.view));
  if (bad.length === 0) return null;
  return (
    <div className="cv-stage-notes">
      {bad.map((p) => (
        <SideProblem key={p.position} place={p} />
      ))}
    </div>
  );
}

export function SwipeStage({ common, fraction, onFraction }: { common: StageCommon; fraction: number; onFraction: (f: number) => void }) {
  const [left, right] = common.places;
  const stageRef = useRef<HTMLDivElement>(null);
  const fromPointer = (clientX: number): number => {
    const box = stageRef.current?.getBoundingClientRect();
    return box ? swipeFraction(clientX, box.left, box.width) : fraction;
  };
  return (
    <div className="cv-stage" ref={stageRef}>
      <Surface testId="stage-swipe" primary>
        <div className="cv-pane-wrap" data-testid="pane-left">
          <OutputLayer common={common} place={left} role="left" order={1} />
        </div>
        <div className="cv-pane-wrap" data-testid="pane-right" style={{ clipPath: swipeClipPath(fraction) }}>
          <OutputLayer common={common} place={right} role="right" order={2} />
        </div>
        <StageLabels places={common.places} />
        <OverlayProblems places={common.places} />
      </Surface>
      <div
        className="cv-swipe-divider"
        data-testid="swipe-divider"
        role="slider"
        tabIndex={0}
        aria-label="Swipe divider"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={`${Math.round(fraction * 100)}% ${left.label}`}
        style={{ left: `${fraction * 100}%` }}
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          e.stopPropagation();
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) onFraction(fromPointer(e.clientX));
        }}
        onDoubleClick={() => onFraction(0.5)}
        onKeyDown={(e) => {
          const next = swipeKeyStep(fraction, e.key, e.shiftKey);
          if (next === null) return;
          // Keep arrows here from also reaching the global handler (↑/↓ there move between pairs; ←/→ are ours).
          e.preventDefault();
          e.stopPropagation();
          onFraction(next);
        }}
      >
        <div className="cv-swipe-handle" title="Drag to compare; double-click to centre">
          <span>‹</span>
          <span>›</span>
        </div>
      </div>
    </div>
  );
}

export function OnionStage({ common, opacity }: { common: StageCommon; opacity: number }) {
  const [left, right] = common.places;
  return (
    <div className="cv-stage">
      <Surface testId="stage-onion" primary>
        <div className="cv-pane-wrap" data-testid="pane-left">
          <OutputLayer common={common} place={left} role="left" order={1} />
        </div>
        <div className="cv-pane-wrap" data-testid="pane-right" style={{ opacity }}>
          <OutputLayer common={common} place={right} role="right" order={2} />
        </div>
        <StageLabels places={common.places} />
        <OverlayProblems places={common.places} />
      </Surface>
    </div>
  );
}

export function ToggleStage({ common, showing, onFlip }: { common: StageCommon; showing: Position; onFlip: () => void }) {
  const [left, right] = common.places;
  return (
    <div className="cv-stage">
      <Surface testId="stage-toggle" primary onClickPicture={onFlip} className="cv-clickable">
        {/* Both stay decoded and mounted; only visibility flips, so a flip is instant and never reloads. */}
        <div className="cv-pane-wrap" data-testid="pane-left" style={{ visibility: showing === 'left' ? 'visible' : 'hidden' }}>
          <OutputLayer common={common} place={left} role="left" order={1} />
        </div>
        <div className="cv-pane-wrap" data-testid="pane-right" style={{ visibility: showing === 'right' ? 'visible' : 'hidden' }}>
          <OutputLayer common={common} place={right} role="right" order={2} />
        </div>
        <StageLabels places={common.places} dim={showing === 'left' ? 'right' : 'left'} />
        <OverlayProblems places={common.places} />
      </Surface>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// diff: the A↔B heatmap
// ---------------------------------------------------------------------------------------------------------

export function diffUnavailable(pair: PairView, places: readonly [PlacedSide, PlacedSide]): { title: string; detail: string } | null {
  const d = pair.diff;
  if (d?.heatmapId) return null;
  if (d?.sizeMismatch) {
    const [l, r] = places;
    const first = l.side === 'A' ? d.sizeMismatch.first : d.sizeMismatch.second;
    const second = l.side === 'A' ? d.sizeMismatch.second : d.sizeMismatch.first;
    return {
      title: 'No pixel diff: the sizes differ',
      detail: `${l.label} is ${first.replace('x', '×')}, ${r.label} is ${second.replace('x', '×')}. SSIM and PSNR were computed on a common downsample.`,
    };
  }
  if (d?.identical) return { title: 'Identical', detail: 'Every pixel matches: there is nothing to highlight.' };
  const missing = places.filter((p) => sideProblem(p.view));
  if (missing.length > 0) return { title: 'No diff', detail: `Needs both images; ${missing.map((p) => `${p.label} is ${p.view.status}`).join(', ')}.` };
  if (!d) return { title: 'Not compared yet', detail: 'The comparison runs once both images are in.' };
  return { title: 'No heatmap', detail: 'The comparison produced no heatmap for this pair.' };
}

export function DiffStage({ common }: { common: StageCommon }) {
  const { pair } = common;
  const d = pair.diff;
  const why = diffUnavailable(pair, common.places);
  const diffSize = outputSize(pair.A) ?? common.frame;
  return (
    <div className="cv-stage">
      <Surface testId="stage-diff" primary>
        {d?.heatmapId && (
          <Layer frame={common.frame}>
            <PaneImage
              role="diff"
              {...imageSources(common, d.heatmapId)}
              alt="A↔B difference heatmap"
              label="Diff"
              colorVar={null}
              order={0}
              testId="diff-image"
            />
            <BoundsBox bounds={d.bounds} image={diffSize} label="Changed region" />
          </Layer>
        )}
        {why && <Problem title={why.title} detail={why.detail} tone="muted" />}
        {d?.heatmapId && (
          <div className="cv-corner cv-corner-left">
            <div className="cv-pane-label">
              <span className="cv-pane-label-text">Diff {common.places[0].short}↔{common.places[1].short}</span>
              <span className="cv-pane-sub">
                {fmtCount(d.pixels)} px · {formatPercent(d.ratio)}
              </span>
            </div>
          </div>
        )}
      </Surface>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// source: each side against the image it edited
// ---------------------------------------------------------------------------------------------------------

export function SourceStage({ common }: { common: StageCommon }) {
  return (
    <div className="cv-panes cv-panes-2">
      {common.places.map((place, i) => {
        const vs = place.view.vsSource;
        const problem = sideProblem(place.view);
        const role = place.position === 'left' ? 'left-vs-source' : 'right-vs-source';
        return (
          <div className="cv-pane" key={place.position}>
            <div className="cv-pane-head">
              <SideLabel
                place={place}
                testId={`label-${place.position}`}
                extra={<span className="cv-pane-sub">vs its source{vs?.ratio != null ? ` · ${formatPercent(vs.ratio)} changed` : ''}</span>}
              />
            </div>
            <Surface testId={`pane-${place.position}`} primary={i === 0}>
              {vs?.heatmapId ? (
                <Layer frame={common.frame}>
                  <PaneImage
                    role={role}
                    {...imageSources(common, vs.heatmapId)}
                    alt={`${place.label} changes against its source`}
                    label={`${place.label} vs source`}
                    colorVar={place.colorVar}
                    order={i + 1}
                  />
                  <BoundsBox bounds={vs.bounds} image={outputSize(place.view)} label={`${place.label} changed region`} />
                </Layer>
              ) : problem ? (
                <SideProblem place={place} />
              ) : (
                <Problem
                  title="No source diff"
                  detail={place.view.sourceId ? 'Not compared yet.' : 'Text-to-image: there is no source to compare against.'}
                  tone="muted"
                />
              )}
            </Surface>
          </div>
        );
      })}
    </div>
  );
}
