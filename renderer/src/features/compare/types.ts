/**
 * The compare view's props: the review screen (list, verdicts, keys) drives it; the compare feature draws the
 * images. Kept in its own file so the two sides can be built and tested separately.
 */
import type { PairView, PreviewSide } from '../../../../shared/contract.ts';

export const VIEW_MODES = ['split', 'swipe', 'onion', 'toggle', 'diff', 'source'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];

export interface ZoomCommand {
  kind: 'fit' | 'in' | 'out';
  /** Increments on every key press so the same command twice still triggers. */
  seq: number;
}

export interface CompareViewProps {
  runId: string;
  pair: PairView;
  /** Every turn of this pair's case and repeat, in turn order (the filmstrip). */
  chain: PairView[];
  /** The bridge's image URL maker; with `maxSide` it names a display-sized, lossless copy. */
  imageUrl: (runId: string, imageId: string, options?: { maxSide?: PreviewSide }) => string;
  mode: ViewMode;
  onModeChange: (mode: ViewMode) => void;
  /** Blind mode hides backend names ("Left"/"Right"); `swapped` = B is shown on the left. */
  blind: boolean;
  swapped: boolean;
  zoomCommand: ZoomCommand | null;
  onSelectTurn: (pairKey: string) => void;
  /**
   * Optional (added by the compare view, backward compatible): backend names from the run summary, e.g.
   * { A: 'vLLM-Omni (simulated)', B: 'diffusers (simulated)' }. Shown beside "A"/"B" when not blind; never
   * shown in blind mode.
   */
  backendLabels?: { A: string; B: string } | null;
  /**
   * Called once every visible image of `pairKey` has decoded (when `data-painted` turns true), with the URL
   * maker the view draws with at its current zoom (display-sized copies at fit): a good moment to
   * `preloadPairs` the list's neighbours with exactly those URLs.
   */
  onPainted?: (pairKey: string, drawUrl: (runId: string, imageId: string) => string) => void;
  /** Draw the OCR boxes of each side's text check over its output (issue 11; the `r` key toggles it). */
  showText?: boolean;
}
