/** The compare slice: how the current pair is shown (blind mode, view mode, zoom commands). */
import type { CompareSlice, SliceContext } from '../types.ts';

export function createCompareSlice(ctx: SliceContext): CompareSlice {
  const { set, get } = ctx;
  return {
    blind: false,
    mode: 'split',
    zoomCommand: null,
    showText: true,
    toggleBlind() {
      set({ blind: !get().blind });
      // ocr:a.fail names a backend: blind mode refuses it (and left/right move with the sides), so re-read the filter.
      get().setFilterText(get().filterText);
    },
    toggleText() {
      set({ showText: !get().showText });
    },
    setMode(mode) {
      set({ mode });
    },
    zoom(kind) {
      set({ zoomCommand: { kind, seq: (get().zoomCommand?.seq ?? 0) + 1 } });
    },
  };
}
