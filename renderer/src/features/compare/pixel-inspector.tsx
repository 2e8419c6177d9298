/**
 * The pixel inspector bar: frame x,y under the pointer and, for each image on screen, its pixel there (RGB,
 * hex, swatch), plus the right − left delta. Re-renders on hover only (its own subscription), reads pixels
 * only while hovering, and hides values of images the browser will not let us read.
 */
import { useSyncExternalStore } from 'react';
import { useCompareServices } from './context.ts';
import { fmtHex } from './format.ts';
import type { Rgba } from './pixel-sampler.ts';
import { frameToNative, type Point } from './viewport.ts';

interface Reading {
  role: string;
  label: string;
  colorVar: string | null;
  native: Point | null;
  /** Native coordinates differ from frame coordinates (a stretched source or a size mismatch). */
  scaled: boolean;
  value: Rgba | 'unreadable' | 'loading' | null;
}

const nullHover = { point: null };

export function PixelInspector() {
  const { controller, sampler, registry } = useCompareServices();
  const hover = useSyncExternalStore(controller.subscribeHover, controller.getHover, () => nullHover);
  const p = hover.point;
  if (!p) {
    return (
      <div className="cv-inspector" data-testid="pixel-inspector">
        <span className="cv-muted">Hover for pixel values · wheel to zoom at the cursor · drag to pan · double-click to fit</span>
      </div>
    );
  }
  const frame = controller.getFrame();
  const readings: Reading[] = registry.list().map(([role, image]) => {
    // Always the original's pixel: the pane may be drawing a display-sized copy.
    const s = sampler.sample(image.fullUrl, (natural) => frameToNative(p, frame, natural));
    const native = s.kind === 'value' || s.kind === 'outside' ? frameToNative(p, frame, s.size) : null;
    const scaled = s.kind === 'value' || s.kind === 'outside' ? s.size.width !== frame.width || s.size.height !== frame.height : false;
    const value: Reading['value'] = s.kind === 'value' ? s.rgba : s.kind === 'outside' ? null : s.kind;
    return { role, label: image.label, colorVar: image.colorVar, native, scaled, value };
  });
  const left = readings.find((r) => r.role === 'left')?.value;
  const right = readings.find((r) => r.role === 'right')?.value;
  const delta = left && right && typeof left === 'object' && typeof right === 'object' ? { r: right.r - left.r, g: right.g - left.g, b: right.b - left.b } : null;
  return (
    <div className="cv-inspector" data-testid="pixel-inspector" aria-live="off">
      <span className="cv-insp-xy" data-testid="pixel-xy">
        x <b>{Math.floor(p.x)}</b> y <b>{Math.floor(p.y)}</b>
      </span>
      {readings.map((r) => (
        <span key={r.role} className="cv-insp-item" data-testid={`pixel-${r.role}`} style={r.colorVar ? { ['--cv-side' as string]: `var(${r.colorVar})` } : undefined}>
          <span className={r.colorVar ? 'cv-side-dot' : 'cv-side-dot is-neutral'} />
          <span className="cv-insp-label">{r.label}</span>
          {r.scaled && r.native && (
            <span className="cv-muted" title="This image's own pixel (it is drawn stretched to the shared frame)">
              @{r.native.x},{r.native.y}
            </span>
          )}
          <Value value={r.value} />
        </span>
      ))}
      {delta && (
        <span className="cv-insp-item" title="Right minus left, per channel">
          <span className="cv-insp-label">Δ</span>
          <span className="cv-mono">
            {signed(delta.r)} {signed(delta.g)} {signed(delta.b)}
          </span>
        </span>
      )}
    </div>
  );
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

function Value({ value }: { value: Reading['value'] }) {
  if (value === null) return <span className="cv-muted">outside</span>;
  if (value === 'loading') return <span className="cv-muted">…</span>;
  if (value === 'unreadable')
    return (
      <span className="cv-muted" title="The browser does not allow reading this image's pixels (cross-origin image)">
        values unavailable
      </span>
    );
  const hex = fmtHex(value.r, value.g, value.b);
  return (
    <>
      <span className="cv-swatch" style={{ background: hex }} />
      <span className="cv-mono">
        {value.r} {value.g} {value.b}
        {value.a < 255 ? ` a${value.a}` : ''}
      </span>
      <span className="cv-mono cv-muted">{hex}</span>
    </>
  );
}
