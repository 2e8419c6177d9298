/**
 * The one viewport every pane follows, outside React: a drag or a wheel zoom writes transforms straight to
 * the registered layers (no React render per mouse move), and components that show zoom state subscribe.
 * Also holds the hover point (the synchronized crosshair and the pixel inspector read it).
 *
 * DOM-free except for the optional `Layer` callbacks, so it is unit-tested in Node.
 */
import {
  actualSize,
  clampView,
  fitView,
  panBy,
  paneToFrame,
  toTransform,
  zoomAt,
  zoomStep,
  type Point,
  type Size,
  type Transform,
  type View,
} from './viewport.ts';

/** Something drawn with the shared transform (a pane's image layer, a crosshair). */
export type Layer = (transform: Transform, view: View) => void;

export interface HoverState {
  /** Frame px under the pointer (fractional), or null when the pointer is off the picture. */
  point: Point | null;
}

export class ViewportController {
  private frame: Size;
  private pane: Size = { width: 0, height: 0 };
  private view: View;
  private readonly layers = new Set<Layer>();
  private readonly listeners = new Set<() => void>();
  private readonly hoverListeners = new Set<() => void>();
  private hover: HoverState = { point: null };
  private lastCaseKey: string | null = null;

  constructor(frame: Size) {
    this.frame = frame;
    this.view = { scale: 1, cx: frame.width / 2, cy: frame.height / 2, fit: true };
  }

  getView(): View {
    return this.view;
  }

  getFrame(): Size {
    return this.frame;
  }

  getPane(): Size {
    return this.pane;
  }

  hasPane(): boolean {
    return this.pane.width > 0 && this.pane.height > 0;
  }

  getTransform(): Transform {
    return toTransform(this.view, this.pane);
  }

  /**
   * A new pair. The view is kept when the reviewer moves within the same chain and frame size (turns of one
   * case: the region they zoomed into stays put); any other pair starts at fit.
   */
  setPair(caseKey: string, frame: Size): void {
    const sameFrame = frame.width === this.frame.width && frame.height === this.frame.height;
    const keep = sameFrame && caseKey === this.lastCaseKey;
    this.lastCaseKey = caseKey;
    this.frame = frame;
    if (!keep) this.view = { ...this.view, fit: true };
    this.settle();
  }

  /** Pane size in CSS px (all panes of a mode have one size). */
  setPane(pane: Size): void {
    if (pane.width === this.pane.width && pane.height === this.pane.height) return;
    this.pane = { width: pane.width, height: pane.height };
    this.settle();
  }

  fit(): void {
    this.view = { ...this.view, fit: true };
    this.settle();
  }

  zoomIn(): void {
    this.set(zoomStep(this.view, 'in', this.frame, this.pane));
  }

  zoomOut(): void {
    this.set(zoomStep(this.view, 'out', this.frame, this.pane));
  }

  actualSize(): void {
    this.set(actualSize(this.view, this.frame, this.pane));
  }

  zoomAround(factor: number, anchor: Point): void {
    this.set(zoomAt(this.view, factor, anchor, this.frame, this.pane));
  }

  pan(dx: number, dy: number): void {
    this.set(panBy(this.view, dx, dy, this.frame, this.pane));
  }

  /** Pane px → frame px under the current view. */
  toFrame(p: Point): Point {
    return paneToFrame(this.view, this.pane, p);
  }

  addLayer(layer: Layer): () => void {
    this.layers.add(layer);
    if (this.hasPane()) layer(this.getTransform(), this.view);
    return () => this.layers.delete(layer);
  }

  /** useSyncExternalStore-shaped subscription to view changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getHover = (): HoverState => this.hover;

  setHover(point: Point | null): void {
    const prev = this.hover.point;
    if (prev === point || (prev && point && prev.x === point.x && prev.y === point.y)) return;
    this.hover = { point };
    for (const l of this.hoverListeners) l();
  }

  /** Re-announce the same hover (a pixel became readable after an async retry). */
  refreshHover(): void {
    this.hover = { point: this.hover.point };
    for (const l of this.hoverListeners) l();
  }

  subscribeHover = (listener: () => void): (() => void) => {
    this.hoverListeners.add(listener);
    return () => this.hoverListeners.delete(listener);
  };

  private set(view: View): void {
    this.view = view;
    this.emit();
  }

  /** Re-derive the view after the frame or pane changed: refit when following fit, else re-clamp. */
  private settle(): void {
    if (!this.hasPane()) return;
    this.view = this.view.fit ? fitView(this.frame, this.pane) : clampView(this.view, this.frame, this.pane);
    this.emit();
  }

  private emit(): void {
    if (!this.hasPane()) return;
    const t = this.getTransform();
    for (const layer of this.layers) layer(t, this.view);
    for (const l of this.listeners) l();
  }
}
