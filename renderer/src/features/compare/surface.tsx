/**
 * The building blocks of every mode: a Surface (a pane that takes wheel zoom, drag pan and hover, and follows
 * the shared viewport), Layers inside it (drawn with the shared transform), the images in them (stable
 * <img> elements whose src changes from pair to pair), the synchronized crosshair and the bounds box.
 *
 * Pan, zoom and hover never re-render React: the viewport controller writes transforms to the DOM directly.
 */
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { useCompareServices } from './context.ts';
import { boundsToPercent, isClick } from './geometry.ts';
import { isPixelated, wheelZoomFactor, type Size } from './viewport.ts';

interface SurfaceProps {
  testId?: string;
  className?: string;
  /** The surface whose size defines the pane size of the shared view (one per mode; all panes are equal). */
  primary: boolean;
  /** A press released without moving (toggle mode flips on it). */
  onClickPicture?: () => void;
  style?: CSSProperties;
  children: ReactNode;
}

export function Surface({ testId, className, primary, onClickPicture, style, children }: SurfaceProps) {
  const { controller } = useCompareServices();
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ id: number; x: number; y: number; startX: number; startY: number } | null>(null);
  const rect = useRef<DOMRect | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!primary || !el) return;
    // Read once at mount so the first paint already has the right transform; then follow resizes (observer
    // callbacks run after layout and before paint, so a resize never shows a wrong frame).
    controller.setPane({ width: el.clientWidth, height: el.clientHeight });
    const observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) controller.setPane({ width: box.width, height: box.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [primary, controller]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Non-passive so the page does not scroll while zooming; React's onWheel is passive.
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const box = el.getBoundingClientRect();
      controller.zoomAround(wheelZoomFactor(event.deltaY, event.deltaMode), { x: event.clientX - box.left, y: event.clientY - box.top });
      hoverAt(event.clientX, event.clientY, box);
    };
    const hoverAt = (clientX: number, clientY: number, box: DOMRect): void => {
      const p = controller.toFrame({ x: clientX - box.left, y: clientY - box.top });
      const f = controller.getFrame();
      controller.setHover(p.x >= 0 && p.y >= 0 && p.x < f.width && p.y < f.height ? p : null);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [controller]);

  const localPoint = (clientX: number, clientY: number): { x: number; y: number } => {
    const box = rect.current ?? ref.current?.getBoundingClientRect();
    return box ? { x: clientX - box.left, y: clientY - box.top } : { x: 0, y: 0 };
  };

  return (
    <div
      ref={ref}
      className={`cv-surface ${className ?? ''}`}
      data-testid={testId}
      style={style}
      onPointerEnter={() => {
        rect.current = ref.current?.getBoundingClientRect() ?? null;
      }}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        rect.current = ref.current?.getBoundingClientRect() ?? null;
        drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY };
        e.currentTarget.setPointerCapture(e.pointerId);
        e.currentTarget.classList.add('is-dragging');
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d && d.id === e.pointerId) {
          controller.pan(e.clientX - d.x, e.clientY - d.y);
          d.x = e.clientX;
          d.y = e.clientY;
        }
        const p = controller.toFrame(localPoint(e.clientX, e.clientY));
        const f = controller.getFrame();
        controller.setHover(p.x >= 0 && p.y >= 0 && p.x < f.width && p.y < f.height ? p : null);
      }}
      onPointerUp={(e) => {
        const d = drag.current;
        if (!d || d.id !== e.pointerId) return;
        drag.current = null;
        e.currentTarget.classList.remove('is-dragging');
        if (isClick(e.clientX - d.startX, e.clientY - d.startY)) onClickPicture?.();
      }}
      onPointerCancel={(e) => {
        drag.current = null;
        e.currentTarget.classList.remove('is-dragging');
      }}
      onPointerLeave={() => {
        if (!drag.current) controller.setHover(null);
      }}
      onDoubleClick={() => controller.fit()}
    >
      {children}
      <Crosshair />
    </div>
  );
}

/** A box of frame size drawn with the shared transform. */
export function Layer({ frame, className, style, children }: { frame: Size; className?: string; style?: CSSProperties; children?: ReactNode }) {
  const { controller } = useCompareServices();
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    return controller.addLayer((t) => {
      el.style.transform = `translate(${t.tx}px, ${t.ty}px) scale(${t.scale})`;
      // Borders and messages inside the layer divide by this so they keep their screen size at any zoom.
      el.style.setProperty('--inv', String(1 / t.scale));
      el.classList.toggle('cv-pixelated', isPixelated(t.scale));
    });
  }, [controller]);
  return (
    <div ref={ref} className={`cv-layer ${className ?? ''}`} style={{ ...style, width: frame.width, height: frame.height }}>
      {children}
    </div>
  );
}

/** The hovered point in every pane at once: thin cross lines, and the pixel's square once pixels are big. */
function Crosshair() {
  const { controller } = useCompareServices();
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = (): void => {
      const p = controller.getHover().point;
      if (!p) {
        el.style.display = 'none';
        return;
      }
      const t = controller.getTransform();
      const x = t.tx + p.x * t.scale;
      const y = t.ty + p.y * t.scale;
      el.style.display = '';
      el.style.setProperty('--cx', `${x}px`);
      el.style.setProperty('--cy', `${y}px`);
      // The hovered pixel's own square once it is at least 6 screen px wide.
      const big = t.scale >= 6;
      el.classList.toggle('has-pixel', big);
      if (big) {
        el.style.setProperty('--px', `${t.tx + Math.floor(p.x) * t.scale}px`);
        el.style.setProperty('--py', `${t.ty + Math.floor(p.y) * t.scale}px`);
        el.style.setProperty('--ps', `${t.scale}px`);
      }
    };
    update();
    const offHover = controller.subscribeHover(update);
    const offView = controller.subscribe(update);
    return () => {
      offHover();
      offView();
    };
  }, [controller]);
  return (
    <div ref={ref} className="cv-crosshair" aria-hidden="true" style={{ display: 'none' }}>
      <div className="cv-crosshair-v" />
      <div className="cv-crosshair-h" />
      <div className="cv-crosshair-px" />
    </div>
  );
}

interface PaneImageProps {
  /** Stable slot name ("left", "diff", …): the <img> element is reused while the slot stays mounted. */
  role: string;
  /** What to draw: the original or a display-sized copy of it. */
  url: string;
  /** The original (the pixel inspector reads it). */
  fullUrl: string;
  imageId: string;
  alt: string;
  label: string;
  colorVar: string | null;
  order: number;
  className?: string;
  style?: CSSProperties;
  /** data-testid of the <img> itself (the diff heatmap is `diff-image`). */
  testId?: string;
  /** Natural size once decoded (the source pane reports it when the pair has no output size). */
  onNaturalSize?: (size: Size) => void;
}

/**
 * One image of a pane. Reports to the paint tracker when its current URL has decoded, and never shows a
 * broken-image icon: a failed load is replaced by a message.
 */
export function PaneImage({ role, url, fullUrl, imageId, alt, label, colorVar, order, className, style, testId, onNaturalSize }: PaneImageProps) {
  const { tracker, registry } = useCompareServices();
  const ref = useRef<HTMLImageElement>(null);
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const onSize = useRef(onNaturalSize);
  useLayoutEffect(() => {
    onSize.current = onNaturalSize;
  });

  useLayoutEffect(() => {
    const img = ref.current;
    if (!img) return;
    tracker.show(role, url);
    const holder = img.parentElement;
    holder?.classList.add('is-loading');
    let live = true;
    const finish = (ok: boolean): void => {
      if (!live) return;
      holder?.classList.remove('is-loading');
      if (ok) onSize.current?.({ width: img.naturalWidth, height: img.naturalHeight });
      else setFailedUrl(url);
      tracker.ready(role, url);
    };
    // decode() waits for the load and the decode, so "painted" means the pixels are ready to draw, not merely
    // that bytes arrived. It rejects for broken images and when src changes first (then `live` is false).
    img.decode().then(
      () => finish(true),
      () => finish(img.complete && img.naturalWidth > 0),
    );
    return () => {
      live = false;
    };
  }, [role, url, tracker]);

  useLayoutEffect(() => {
    const img = ref.current;
    if (img) registry.set(role, { img, url, fullUrl, label, colorVar, order });
  }, [role, url, fullUrl, label, colorVar, order, registry]);

  useLayoutEffect(() => {
    const img = ref.current;
    return () => {
      tracker.hide(role);
      if (img) registry.delete(role, img);
    };
  }, [role, tracker, registry]);

  const failed = failedUrl === url;
  return (
    <div className={`cv-img-holder ${className ?? ''}`} style={style}>
      <img
        ref={ref}
        className="cv-img"
        src={url}
        alt={alt}
        data-image-id={imageId}
        data-testid={testId}
        decoding="async"
        draggable={false}
        style={failed ? { visibility: 'hidden' } : undefined}
      />
      {failed && (
        <div className="cv-problem cv-problem-error cv-in-layer" role="alert">
          <strong>Image failed to load</strong>
          <span>
            {label}: image {imageId.slice(0, 12)}… could not be read. The run folder may be incomplete; re-run or reopen
            the run.
          </span>
        </div>
      )}
    </div>
  );
}

/** A changed-bounds rectangle, in the image's own pixels, drawn inside a Layer. */
export function BoundsBox({ bounds, image, label }: { bounds: { x: number; y: number; width: number; height: number } | null; image: Size | null; label: string }) {
  const box = boundsToPercent(bounds, image);
  if (!box || !bounds) return null;
  return (
    <div
      className="cv-bounds"
      style={box}
      title={`${label}: changed pixels lie within x ${bounds.x}–${bounds.x + bounds.width}, y ${bounds.y}–${bounds.y + bounds.height} (${bounds.width}×${bounds.height} px)`}
    />
  );
}

/** Shown in place of an image: what is missing and why. Never a broken-image icon. */
export function Problem({ title, detail, tone }: { title: string; detail: string; tone: 'error' | 'muted' }) {
  return (
    <div className={`cv-problem ${tone === 'error' ? 'cv-problem-error' : ''}`} role={tone === 'error' ? 'alert' : 'status'}>
      <strong>{title}</strong>
      <span>{detail}</span>
    </div>
  );
}
