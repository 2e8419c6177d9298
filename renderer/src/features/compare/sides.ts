/**
 * Which backend is drawn where, what each pane is called, and which images a mode shows. One function decides
 * placement so panes, swipe, onion, toggle, the waterfall and the filmstrip cannot disagree, and blind mode
 * can never leak a backend name (labels are positional: "Left"/"Right").
 */
import type { PairSideView, PairView } from '../../../../shared/contract.ts';
import type { Side } from '../../../../shared/model.ts';
import type { ViewMode } from './types.ts';
import { pickFrame, type Size } from './viewport.ts';

export type Position = 'left' | 'right';

export interface PlacedSide {
  position: Position;
  side: Side;
  view: PairSideView;
  /** What the pane header says: "Left"/"Right" when blind, else "A"/"B" (plus the backend label if known). */
  label: string;
  /** One letter for tight spots (filmstrip, inspector): "L"/"R" blind, else "A"/"B". */
  short: string;
  /**
   * CSS colour variable of this pane's accents. Blind mode colours by position, so a colour can never
   * identify a backend; otherwise by backend (A is always the A colour).
   */
  colorVar: '--cv-side-a' | '--cv-side-b';
}

export interface BackendLabels {
  A: string;
  B: string;
}

export function placeSides(
  pair: Pick<PairView, 'A' | 'B'>,
  blind: boolean,
  swapped: boolean,
  backendLabels?: BackendLabels | null,
): [PlacedSide, PlacedSide] {
  const order: [Side, Side] = swapped ? ['B', 'A'] : ['A', 'B'];
  const make = (side: Side, position: Position): PlacedSide => {
    const named = backendLabels?.[side]?.trim();
    return {
      position,
      side,
      view: pair[side],
      label: blind ? (position === 'left' ? 'Left' : 'Right') : named ? `${side} · ${named}` : side,
      short: blind ? (position === 'left' ? 'L' : 'R') : side,
      colorVar: blind ? (position === 'left' ? '--cv-side-a' : '--cv-side-b') : side === 'A' ? '--cv-side-a' : '--cv-side-b',
    };
  };
  return [make(order[0], 'left'), make(order[1], 'right')];
}

/** Why a side has no image to show, as a title and one line a person can act on; null when it has one. */
export function sideProblem(view: PairSideView): { title: string; detail: string; tone: 'error' | 'muted' } | null {
  switch (view.status) {
    case 'error': {
      const e = view.error;
      const head = e ? `${e.kind === 'http' && e.httpStatus ? `HTTP ${e.httpStatus}` : e.kind} error` : 'Failed';
      const attempts = view.attempts > 1 ? ` after ${view.attempts} attempts` : '';
      return { title: `${head}${attempts}`, detail: e ? e.message + (e.url ? ` (${e.url})` : '') : 'The job failed without an error message.', tone: 'error' };
    }
    case 'pending':
      return { title: 'Pending', detail: 'Waiting to be sent.', tone: 'muted' };
    case 'running':
      return { title: 'Running…', detail: view.attempts > 1 ? `Attempt ${view.attempts}.` : 'The backend is working on it.', tone: 'muted' };
    case 'skipped':
      return {
        title: 'Skipped',
        detail: view.error?.message ?? 'Not run (an earlier turn of this chain failed, or the run was cancelled).',
        tone: 'muted',
      };
    case 'ok':
      if (!view.imageId) return { title: 'No image', detail: 'The backend answered without an image.', tone: 'error' };
      return null;
  }
}

export function outputSize(view: PairSideView): Size | null {
  return view.width && view.height ? { width: view.width, height: view.height } : null;
}

/** The shared frame of a pair: A's output size, else B's, else the source's natural size once known. */
export function pairFrame(pair: Pick<PairView, 'A' | 'B'>, sourceNatural?: Size | null): Size {
  return pickFrame([outputSize(pair.A), outputSize(pair.B), sourceNatural]);
}

/** Roles of the image slots a mode can show. Slots are stable DOM elements reused from pair to pair. */
export type SlotRole = 'source' | 'left' | 'right' | 'diff' | 'left-vs-source' | 'right-vs-source';

export interface SlotContent {
  role: SlotRole;
  imageId: string | null;
  /** Native size when known from the pair (outputs); null for sources and heatmaps until they load. */
  size: Size | null;
}

/**
 * The source pane image. Turn 1 sides share the suite input; from turn 2 each side edited its own previous
 * output, so the two sources differ and the reviewer picks which one the pane shows (`prefer`).
 */
export function sourceFor(
  places: readonly [PlacedSide, PlacedSide],
  prefer: Position,
): { imageId: string | null; differs: boolean; from: Position } {
  const [left, right] = places;
  const l = left.view.sourceId;
  const r = right.view.sourceId;
  const differs = !!l && !!r && l !== r;
  if (prefer === 'right' && r) return { imageId: r, differs, from: 'right' };
  if (l) return { imageId: l, differs, from: 'left' };
  return { imageId: r, differs, from: 'right' };
}

/** True when there is no source at all (text-to-image): split mode then shows two panes. */
export function hasSource(pair: Pick<PairView, 'A' | 'B'>): boolean {
  return !!pair.A.sourceId || !!pair.B.sourceId;
}

/**
 * The images a mode shows, in drawing order. The compare view is "painted" when every slot listed here with
 * an image id has decoded.
 */
export function slotsFor(
  mode: ViewMode,
  pair: Pick<PairView, 'A' | 'B' | 'diff'>,
  places: readonly [PlacedSide, PlacedSide],
  preferSource: Position,
): SlotContent[] {
  const [left, right] = places;
  const out = (p: PlacedSide, role: 'left' | 'right'): SlotContent => ({
    role,
    imageId: sideProblem(p.view) ? null : p.view.imageId,
    size: outputSize(p.view),
  });
  switch (mode) {
    case 'split': {
      const slots: SlotContent[] = [];
      if (hasSource(pair)) slots.push({ role: 'source', imageId: sourceFor(places, preferSource).imageId, size: null });
      slots.push(out(left, 'left'), out(right, 'right'));
      return slots;
    }
    case 'swipe':
    case 'onion':
    case 'toggle':
      return [out(left, 'left'), out(right, 'right')];
    case 'diff':
      return [{ role: 'diff', imageId: pair.diff?.heatmapId ?? null, size: outputSize(pair.A) }];
    case 'source':
      return [
        { role: 'left-vs-source', imageId: left.view.vsSource?.heatmapId ?? null, size: outputSize(left.view) },
        { role: 'right-vs-source', imageId: right.view.vsSource?.heatmapId ?? null, size: outputSize(right.view) },
      ];
  }
}

/**
 * A sentence about mismatched output sizes, positional in blind mode. Null when sizes agree or are unknown.
 * Everything is drawn stretched onto the shared frame, which the sentence says, so nobody mistakes it for
 * the backend's real output size.
 */
export function sizeMismatchNote(pair: Pick<PairView, 'A' | 'B' | 'diff'>, places: readonly [PlacedSide, PlacedSide], frame: Size): string | null {
  const [left, right] = places;
  const ls = outputSize(left.view);
  const rs = outputSize(right.view);
  const fromDiff = pair.diff?.sizeMismatch ?? null;
  if (!fromDiff && (!ls || !rs || (ls.width === rs.width && ls.height === rs.height))) return null;
  const fmt = (s: Size | null): string => (s ? `${s.width}×${s.height}` : 'unknown size');
  return `Size mismatch: ${left.label} ${fmt(ls)}, ${right.label} ${fmt(rs)}. Both are shown stretched to ${frame.width}×${frame.height}; no pixel diff.`;
}
