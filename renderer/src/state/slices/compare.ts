/** The compare slice: how the current pair is shown (blind mode, view mode, zoom commands). */
import type { CompareSlice, SliceContext } from '../types.ts';

export function createCompareSlice(ctx: SliceContext): CompareSlice {
  const { set, get } = ctx;
  return {
    blind: false,
    mode: 'split',
    zoomCommand: null,
    toggleBlind() {
      set({ blind: !get().blind });
    },
    setMode(mode) {
      set({ mode });
    },
    zoom(kind) {
      set({ zoomCommand: { kind, seq: (get().zoomCommand?.seq ?? 0) + 1 } });
    },
  };
}
