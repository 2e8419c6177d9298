/**
 * The compare view (issue 4, "Compare one pair"): source | A | B with synchronized zoom and pan, swipe,
 * onion, toggle/strobe, the A↔B heatmap and each side against its source, a pixel inspector, the timing
 * waterfall, the multi-turn filmstrip and the prompt with its expected text.
 *
 * Speed on a pair switch (the bench: key press → next pair painted): the component tree stays mounted from
 * pair to pair and only image URLs change, so no canvas or <img> is re-created; images report when they
 * have decoded and the view marks `data-painted="true"` then; pixels are read only on hover; pan and zoom
 * write transforms to the DOM without re-rendering React.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import './compare.css';
import { CompareContext, ImageRegistry, type CompareServices } from './context.ts';
import { Filmstrip } from './filmstrip.tsx';
import { clampOpacity, displayPreviewSide, ONION_DEFAULT, STROBE_MS, SWIPE_DEFAULT } from './geometry.ts';
import { DiffStage, OnionStage, SourceStage, SplitStage, SwipeStage, ToggleStage, type StageCommon } from './mode-stages.tsx';
import { PaintTracker } from './paint-tracker.ts';
import { PairInfo } from './pair-info.tsx';
import { PixelInspector } from './pixel-inspector.tsx';
import { PixelSampler } from './pixel-sampler.ts';
import { hasSource, outputSize, pairFrame, placeSides, sizeMismatchNote, sourceFor, type Position } from './sides.ts';
import { TimingWaterfall } from './timing-waterfall.tsx';
import { Toolbar } from './toolbar.tsx';
import type { CompareViewProps } from './types.ts';
import { ViewportController } from './viewport-controller.ts';
import type { Size } from './viewport.ts';

/** Filmstrip thumbnails are ~96 px: drawn from the smallest copy, never from the original. */
const THUMB_SOURCE_SIDE = 512;

const SLIDER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function CompareView(props: CompareViewProps) {
  const { runId, pair, chain, imageUrl, mode, onModeChange, blind, swapped, zoomCommand, onSelectTurn, backendLabels, onPainted, showText } = props;
  const rootRef = useRef<HTMLDivElement>(null);
  const [services] = useState<CompareServices>(() => {
    const controller = new ViewportController(pairFrame(pair));
    return {
      controller,
      tracker: new PaintTracker(),
      sampler: new PixelSampler(() => controller.refreshHover()),
      registry: new ImageRegistry(),
    };
  });
  const { controller, tracker } = services;

  const [swipe, setSwipe] = useState(SWIPE_DEFAULT);
  const [onion, setOnion] = useState(ONION_DEFAULT);
  const [showing, setShowing] = useState<Position>('left');
  const [strobe, setStrobe] = useState(false);
  const [preferSource, setPreferSource] = useState<Position>('left');
  // Only needed when the pair has no output size at all (both sides failed): then the source sets the frame.
  const [sourceNatural, setSourceNatural] = useState<{ id: string; size: Size } | null>(null);
  // The chain whose filmstrip thumbnails may load (see Filmstrip).
  const [thumbsFor, setThumbsFor] = useState<string | null>(null);

  const places = placeSides(pair, blind, swapped, backendLabels);
  const caseKey = `${pair.caseId}#r${pair.repeat}`;
  const sourceId = sourceFor(places, preferSource).imageId;
  const frame = pairFrame(pair, sourceNatural && sourceNatural.id === sourceId ? sourceNatural.size : null);
  // Which resolution to draw: a display-sized copy while the frame occupies fewer device pixels than the
  // image has (at fit, a 1024² output in a ~470 px pane gets the 512 copy: several times cheaper to decode and
  // draw), the original once zoomed in. A primitive snapshot, so zoom and pan re-render only when it changes;
  // before the pane is measured, the smallest copy keeps the first paint fast.
  const previewSide = useSyncExternalStore(
    controller.subscribe,
    () => (controller.hasPane() ? displayPreviewSide(frame, controller.getView().scale, window.devicePixelRatio || 1) : displayPreviewSide(frame, 0, 1)),
    () => null,
  );
  const drawUrl = useCallback(
    (run: string, id: string) => imageUrl(run, id, previewSide === null ? undefined : { maxSide: previewSide }),
    [imageUrl, previewSide],
  );
  const fullUrl = useCallback((run: string, id: string) => imageUrl(run, id), [imageUrl]);
  const thumbUrl = useCallback((run: string, id: string) => imageUrl(run, id, { maxSide: THUMB_SOURCE_SIDE }), [imageUrl]);
  const needsSourceSize = !outputSize(pair.A) && !outputSize(pair.B);

  // Children's layout effects (each image's show/hide) have run when this one runs, so the painted flag is
  // evaluated over the complete new set of images: a pair switch never looks painted half-way.
  // What the painted listener reports to; kept current by an effect so the listener needs no re-binding.
  const paintedInfo = useRef({ key: pair.key, onPainted, drawUrl });
  useLayoutEffect(() => {
    paintedInfo.current = { key: pair.key, onPainted, drawUrl };
  });

  useLayoutEffect(() => {
    const root = rootRef.current;
    tracker.setListener((painted) => {
      root?.setAttribute('data-painted', String(painted));
      if (!painted) return;
      setThumbsFor(caseKey);
      // A pointer resting over the picture should read the new pair's pixels, not wait for it to move.
      controller.refreshHover();
      const info = paintedInfo.current;
      info.onPainted?.(info.key, info.drawUrl);
    });
  }, [tracker, controller, caseKey]);

  useLayoutEffect(() => {
    controller.setPair(caseKey, frame);
    // frame is derived from these two numbers; the object itself is new every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, caseKey, pair.key, frame.width, frame.height]);

  useLayoutEffect(() => {
    tracker.evaluate();
  });

  const lastZoomSeq = useRef(zoomCommand?.seq ?? null);
  useEffect(() => {
    if (!zoomCommand || zoomCommand.seq === lastZoomSeq.current) return;
    lastZoomSeq.current = zoomCommand.seq;
    if (zoomCommand.kind === 'fit') controller.fit();
    else if (zoomCommand.kind === 'in') controller.zoomIn();
    else controller.zoomOut();
  }, [zoomCommand, controller]);

  useEffect(() => {
    if (mode !== 'toggle' || !strobe) return;
    const id = window.setInterval(() => setShowing((s) => (s === 'left' ? 'right' : 'left')), STROBE_MS);
    return () => window.clearInterval(id);
  }, [mode, strobe]);

  const common: StageCommon = { runId, pair, places, frame, imageUrl: drawUrl, fullUrl, showText: showText === true };
  const mismatch = sizeMismatchNote(pair, places, frame);
  const [left, right] = places;

  let stage;
  let controls = null;
  switch (mode) {
    case 'split':
      stage = (
        <SplitStage
          common={common}
          withSource={hasSource(pair)}
          preferSource={preferSource}
          onPreferSource={setPreferSource}
          onSourceSize={(size) => {
            if (needsSourceSize && sourceId) setSourceNatural({ id: sourceId, size });
          }}
        />
      );
      break;
    case 'swipe':
      stage = <SwipeStage common={common} fraction={swipe} onFraction={setSwipe} />;
      controls = (
        <>
          <span className="cv-muted">
            {left.short} | {right.short} at <span className="cv-mono">{Math.round(swipe * 100)}%</span>
          </span>
          <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => setSwipe(SWIPE_DEFAULT)}>
            Centre
          </button>
        </>
      );
      break;
    case 'onion':
      stage = <OnionStage common={common} opacity={onion} />;
      controls = (
        <label className="cv-onion">
          <span className="cv-muted">{left.short}</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={onion}
            data-testid="onion-slider"
            aria-label={`Opacity of ${right.label} over ${left.label}`}
            onChange={(e) => setOnion(clampOpacity(Number(e.currentTarget.value)))}
            onKeyDown={(e) => {
              // The slider's own keys stay here; everything else (j/k, verdicts) still reaches the global handler.
              if (SLIDER_KEYS.has(e.key)) e.stopPropagation();
            }}
          />
          <span className="cv-muted">{right.short}</span>
          <span className="cv-mono cv-onion-value">{Math.round(onion * 100)}%</span>
        </label>
      );
      break;
    case 'toggle':
      stage = <ToggleStage common={common} showing={showing} onFlip={() => setShowing((s) => (s === 'left' ? 'right' : 'left'))} />;
      controls = (
        <>
          <div className="cv-seg" role="group" aria-label="Showing">
            {places.map((p) => (
              <button
                key={p.position}
                type="button"
                className={showing === p.position ? 'is-on' : ''}
                style={{ ['--cv-side' as string]: `var(${p.colorVar})` }}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => setShowing(p.position)}
              >
                {p.label}
              </button>
            ))}
          </div>
          <button
            type="button"
            className={strobe ? 'is-on' : ''}
            aria-pressed={strobe}
            data-testid="strobe"
            title={`Alternate every ${STROBE_MS} ms`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => setStrobe((s) => !s)}
          >
            Strobe
          </button>
          <span className="cv-muted">click the image to flip</span>
        </>
      );
      break;
    case 'diff':
      stage = <DiffStage common={common} />;
      controls = (
        <span className="cv-muted">
          <span className="cv-key-swatch cv-heat" /> changed pixels over a faded copy of {blind ? 'one output' : 'A'} · <span className="cv-key-swatch cv-box" />{' '}
          changed region
        </span>
      );
      break;
    case 'source':
      stage = <SourceStage common={common} />;
      controls = (
        <span className="cv-muted">
          <span className="cv-key-swatch cv-heat" /> what each side changed in the image it edited · <span className="cv-key-swatch cv-box" /> changed region
        </span>
      );
      break;
  }

  return (
    <CompareContext.Provider value={services}>
      <div className="cv-root" data-testid="compare-view" data-mode={mode} ref={rootRef}>
        <Toolbar mode={mode} onModeChange={onModeChange}>
          {controls}
        </Toolbar>
        {mismatch && (
          <div className="cv-banner" role="status" data-testid="size-mismatch">
            {mismatch}
          </div>
        )}
        <div className="cv-main">{stage}</div>
        <PixelInspector />
        {chain.length > 1 && (
          <Filmstrip
            runId={runId}
            pair={pair}
            chain={chain}
            blind={blind}
            swapped={swapped}
            backendLabels={backendLabels}
            imageUrl={thumbUrl}
            showImages={thumbsFor === caseKey}
            onSelectTurn={onSelectTurn}
          />
        )}
        <div className="cv-bottom">
          <PairInfo pair={pair} blind={blind} swapped={swapped} backendLabels={backendLabels} />
          {blind ? (
            // Speed gives the sides away (the split pipeline is usually faster), so blind review shows none.
            <section className="cv-waterfall cv-waterfall-hidden" data-testid="waterfall-hidden">
              <p className="cv-muted">Timings are hidden in blind mode: speed would reveal which side is which. Press b to show them.</p>
            </section>
          ) : (
            <TimingWaterfall pair={pair} blind={blind} swapped={swapped} backendLabels={backendLabels} />
          )}
        </div>
      </div>
    </CompareContext.Provider>
  );
}
