/**
 * The compare toolbar: view modes with their keys (from the keymap, so the hints cannot drift from what the
 * keys do), the current mode's controls, and zoom. Buttons do not take focus on mouse down, so the keyboard
 * stays with the review screen's global handler (space after a click means "fit", not "press again").
 */
import { useSyncExternalStore, type ReactNode } from 'react';
import { KEYMAP, type KeyAction } from '../../keymap.ts';
import { useCompareServices } from './context.ts';
import { VIEW_MODES, type ViewMode } from './types.ts';
import { formatZoom } from './viewport.ts';

export const MODE_TITLES: Readonly<Record<ViewMode, string>> = {
  split: 'Split',
  swipe: 'Swipe',
  onion: 'Onion',
  toggle: 'Toggle',
  diff: 'Diff',
  source: 'vs Source',
};

function keyLabel(action: KeyAction): string {
  return KEYMAP.find((b) => b.action === action)?.label ?? '';
}

/** Own wording (positional), so the tooltips stay neutral in blind mode; only the keys come from the keymap. */
const MODE_HELP: Readonly<Record<ViewMode, string>> = {
  split: 'Side by side: source | left | right, zoom and pan together',
  swipe: 'Swipe: left and right split by a draggable divider',
  onion: 'Onion skin: right over left at adjustable opacity',
  toggle: 'Toggle: flip between left and right (click), or strobe',
  diff: 'Diff heatmap: pixels that differ between the two outputs',
  source: 'Changes vs source: what each side changed in the image it edited',
};

export function ModeButtons({ mode, onModeChange }: { mode: ViewMode; onModeChange: (mode: ViewMode) => void }) {
  return (
    <div className="cv-modes" role="tablist" aria-label="View mode">
      {VIEW_MODES.map((m) => {
        const action = `view-${m}` as KeyAction;
        const key = keyLabel(action);
        return (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={m === mode}
            className={m === mode ? 'is-on' : ''}
            data-testid={`mode-${m}`}
            title={`${MODE_HELP[m]}${key ? ` (${key})` : ''}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onModeChange(m)}
          >
            {MODE_TITLES[m]}
            {key && <kbd>{key}</kbd>}
          </button>
        );
      })}
    </div>
  );
}

export function ZoomControls() {
  const { controller } = useCompareServices();
  const view = useSyncExternalStore(controller.subscribe, () => controller.getView(), () => controller.getView());
  return (
    <div className="cv-zoom" role="group" aria-label="Zoom">
      <button type="button" title={`Zoom out (${keyLabel('zoom-out')})`} onMouseDown={(e) => e.preventDefault()} onClick={() => controller.zoomOut()} aria-label="Zoom out">
        −
      </button>
      <span className="cv-zoom-level cv-mono" data-testid="zoom-level" title="Screen pixels per image pixel">
        {formatZoom(view.scale)}
      </span>
      <button type="button" title={`Zoom in (${keyLabel('zoom-in')})`} onMouseDown={(e) => e.preventDefault()} onClick={() => controller.zoomIn()} aria-label="Zoom in">
        +
      </button>
      <button type="button" className={view.fit ? 'is-on' : ''} title={`Fit to view (${keyLabel('fit')})`} onMouseDown={(e) => e.preventDefault()} onClick={() => controller.fit()}>
        Fit
      </button>
      <button type="button" title="Actual pixels" onMouseDown={(e) => e.preventDefault()} onClick={() => controller.actualSize()}>
        1:1
      </button>
    </div>
  );
}

export function Toolbar({ mode, onModeChange, children }: { mode: ViewMode; onModeChange: (mode: ViewMode) => void; children?: ReactNode }) {
  return (
    <div className="cv-toolbar">
      <ModeButtons mode={mode} onModeChange={onModeChange} />
      <div className="cv-mode-controls">{children}</div>
      <ZoomControls />
    </div>
  );
}
