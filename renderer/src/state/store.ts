/**
 * The UI's state and every action on it: one vanilla zustand store composed of five slices (./slices: ui,
 * runs, review, verdicts, compare), so the whole review flow — navigation, filter, buckets, verdict + undo,
 * blind mapping — is unit tested in Node against the real engine (core/testing's in-process transport). React
 * reads it through ./react.tsx; pure reads live in ./selectors.ts.
 */
import { createStore } from 'zustand/vanilla';
import { reviewerOf } from './selectors.ts';
import { createCompareSlice } from './slices/compare.ts';
import { createReviewSlice, handlePairsEvent } from './slices/review.ts';
import { applyRunEvent, createRunsSlice } from './slices/runs.ts';
import { createUiSlice } from './slices/ui.ts';
import { createVerdictsSlice } from './slices/verdicts.ts';
import type { AppState, ReviewStore, SliceContext, StoreDeps } from './types.ts';

export type * from './types.ts';

/** How long our own verdict writes excuse a matching `pairs-changed` event from a full reload. */
const OWN_WRITE_WINDOW_MS = 5000;

export function createReviewStore(deps: StoreDeps): ReviewStore {
  return createStore<AppState>()((set, get) => {
    const now = deps.now ?? (() => Date.now());
    const ctx: SliceContext = {
      api: deps.api,
      now,
      set,
      get,
      mutationSeq: 0,
      ownWrites: new Map(),
      savingKeys: new Set(),
      markOwnWrite: (key) => void ctx.ownWrites.set(key, now() + OWN_WRITE_WINDOW_MS),
      needReviewer() {
        if (reviewerOf(get()) !== null) return false;
        set({ overlay: 'reviewer', notice: { kind: 'info', text: 'Set your reviewer name first: it is stored with every verdict.' } });
        return true;
      },
      onRunEvent: (event) => applyRunEvent(ctx, event.run),
      onPairsEvent: (event) => handlePairsEvent(ctx, event),
    };
    return {
      ...createUiSlice(ctx),
      ...createRunsSlice(ctx),
      ...createReviewSlice(ctx),
      ...createVerdictsSlice(ctx),
      ...createCompareSlice(ctx),
    };
  });
}
