/**
 * The ui slice: the shell (start-up, settings, screen, overlays, notices) and the key dispatch, which turns a
 * KeyAction into the action of the slice that owns it. Push events are subscribed here and routed to the runs
 * and review slices through the context.
 */
import { errorMessage } from '../../bridge/errors.ts';
import type { ViewMode } from '../../features/compare/types.ts';
import type { KeyAction } from '../../keymap.ts';
import type { PositionalVerdict } from '../../lib/blind.ts';
import { nextSortOrder, SORT_LABELS } from '../../lib/sort.ts';
import { currentPair, derive, reviewerOf } from '../selectors.ts';
import type { SliceContext, UiSlice } from '../types.ts';

const KEY_TO_CHOICE: Partial<Record<KeyAction, PositionalVerdict>> = {
  'verdict-a': 'left',
  'verdict-b': 'right',
  'verdict-tie': 'tie',
  'verdict-both-bad': 'both_bad',
  'verdict-skip': 'skip',
};

const KEY_TO_MODE: Partial<Record<KeyAction, ViewMode>> = {
  'view-split': 'split',
  'view-swipe': 'swipe',
  'view-onion': 'onion',
  'view-toggle': 'toggle',
  'view-diff': 'diff',
  'view-source': 'source',
};

/** Review-screen keys that map to one action with no argument. */
const KEY_TO_CALL: Partial<Record<KeyAction, (ctx: SliceContext) => void>> = {
  next: (ctx) => ctx.get().move(1),
  prev: (ctx) => ctx.get().move(-1),
  'turn-next': (ctx) => ctx.get().selectTurn(1),
  'turn-prev': (ctx) => ctx.get().selectTurn(-1),
  tags: (ctx) => {
    if (currentPair(ctx.get())) ctx.set({ overlay: 'tags' });
  },
  note: (ctx) => {
    if (currentPair(ctx.get())) ctx.set({ overlay: 'note' });
  },
  undo: (ctx) => void ctx.get().undo(),
  'suggest-accept': (ctx) => void ctx.get().decideSuggestion(true),
  'suggest-reject': (ctx) => void ctx.get().decideSuggestion(false),
  'view-text': (ctx) => ctx.get().toggleText(),
  filter: (ctx) => ctx.set({ focusFilterSeq: ctx.get().focusFilterSeq + 1 }),
  sort: (ctx) => {
    const order = nextSortOrder(ctx.get().sort);
    ctx.get().setSort(order);
    ctx.set({ notice: { kind: 'info', text: `Sorted: ${SORT_LABELS[order]}.` } });
  },
  fit: (ctx) => ctx.get().zoom('fit'),
  'zoom-in': (ctx) => ctx.get().zoom('in'),
  'zoom-out': (ctx) => ctx.get().zoom('out'),
};

export function createUiSlice(ctx: SliceContext): UiSlice {
  const { api, set, get } = ctx;
  let unsubscribe: (() => void) | null = null;

  return {
    ready: false,
    bootError: null,
    info: null,
    settings: { reviewer: '', blindByDefault: false },
    view: 'runs',
    overlay: null,
    notice: null,
    focusFilterSeq: 0,

    async boot() {
      unsubscribe?.();
      unsubscribe = api.subscribe((event) => {
        // sweep-updated events are the Speed screen's (issue 12); the review slices take runs and pairs.
        if (event.type === 'run-updated') ctx.onRunEvent(event);
        else if (event.type === 'pairs-changed') ctx.onPairsEvent(event);
      });
      try {
        const [info, settings, runs, suites] = await Promise.all([
          api.call('app:get-info', {}),
          api.call('settings:get', {}),
          api.call('runs:list', {}),
          api.call('suites:list', {}),
        ]);
        set({
          ready: true,
          bootError: null,
          info,
          settings,
          runs,
          suites,
          blind: settings.blindByDefault,
          overlay: settings.reviewer.trim() === '' ? 'reviewer' : get().overlay,
        });
      } catch (error) {
        set({ ready: false, bootError: errorMessage(error) });
      }
    },

    dispose() {
      unsubscribe?.();
      unsubscribe = null;
    },

    setView(view) {
      set({ view, overlay: get().overlay === 'reviewer' ? 'reviewer' : null });
    },
    setOverlay(overlay) {
      set({ overlay });
    },
    setNotice(notice) {
      set({ notice });
    },

    async saveSettings(patch) {
      // Shown at once, confirmed by the engine's answer: a checkbox bound to a setting must change on the
      // click itself, not a round trip later (it looked dead, and a second click in between was lost).
      const before = get().settings;
      const shown = { ...before, ...patch };
      set({ settings: shown, ...derive(get().pairs, { ...get(), settings: shown }) });
      try {
        const settings = await api.call('settings:set', patch);
        const s = get();
        set({
          settings,
          ...derive(s.pairs, { ...s, settings }),
          overlay: s.overlay === 'reviewer' && settings.reviewer.trim() !== '' ? null : s.overlay,
          notice: s.overlay === 'reviewer' ? null : s.notice,
        });
        return true;
      } catch (error) {
        const s = get();
        set({
          settings: before,
          ...derive(s.pairs, { ...s, settings: before }),
          notice: { kind: 'error', text: `Settings not saved: ${errorMessage(error)}` },
        });
        return false;
      }
    },

    handleAction(action) {
      const s = get();
      if (action === 'escape') {
        if (s.overlay === 'reviewer' && reviewerOf(s) === null) return;
        if (s.overlay !== null) set({ overlay: null });
        else if (s.notice !== null) set({ notice: null });
        return;
      }
      if (s.overlay === 'reviewer') return;
      if (s.overlay === 'help') {
        if (action === 'help') set({ overlay: null });
        return;
      }
      if (action === 'help') {
        set({ overlay: 'help' });
        return;
      }
      if (action === 'blind') {
        get().toggleBlind();
        return;
      }
      if (s.view !== 'review') return;
      const choice = KEY_TO_CHOICE[action];
      if (choice) {
        void get().judge(choice);
        return;
      }
      const mode = KEY_TO_MODE[action];
      if (mode) {
        get().setMode(mode);
        return;
      }
      KEY_TO_CALL[action]?.(ctx);
    },
  };
}
