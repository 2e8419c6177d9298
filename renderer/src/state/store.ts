/**
 * The UI's state and every action on it, as one zustand store over a ReviewApi. Plain (vanilla) zustand so
 * the whole review flow — navigation, filter, buckets, verdict + undo, blind mapping, preloading — is unit
 * tested in Node against the memory bridge; React reads it through ./react.ts.
 *
 * Derived lists (visible keys, bucket counts) are computed when their inputs change and stored, so React
 * selectors return stable references and thousands of pairs are filtered once per change, not per render.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ExportFormat,
  PairView,
  ResponseOf,
  ReviewApi,
  RunSummary,
  Settings,
  StartRunRequest,
  SuiteEntry,
  UiEvent,
} from '../../../shared/contract.ts';
import type { VerdictValue } from '../../../shared/model.ts';
import { errorMessage } from '../bridge/errors.ts';
import type { ViewMode, ZoomCommand } from '../features/compare/types.ts';
import type { KeyAction } from '../keymap.ts';
import { placement, verdictFor, verdictLabel, type PositionalVerdict } from '../lib/blind.ts';
import { computeBuckets, groupTokens, type Bucket } from '../lib/buckets.ts';
import { EMPTY_FILTER, filterPairs, parseFilter, toggleToken, tokenize, type ParsedFilter } from '../lib/filter.ts';
import { chainOf, latestVerdict, pairLabel } from '../lib/pair-utils.ts';

export type View = 'runs' | 'review';
export type Overlay = null | 'help' | 'tags' | 'note' | 'reviewer';
export type AppInfo = ResponseOf<'app:get-info'>;

export interface Draft {
  tags: string[];
  note: string;
}

export interface SaveState {
  status: 'idle' | 'saving' | 'saved' | 'error';
  pairKey: string | null;
  message: string | null;
}

export interface UndoEntry {
  runId: string;
  pairKey: string;
  verdictId: string;
}

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

export interface SuiteCheckState {
  status: 'idle' | 'checking' | 'ok' | 'error';
  fileName: string | null;
  text: string | null;
  suite: SuiteEntry | null;
  error: string | null;
}

export interface ExportState {
  status: 'idle' | 'working' | 'done' | 'error';
  format: ExportFormat | null;
  file: string | null;
  path: string | null;
  url: string | null;
  message: string | null;
}

export interface AsyncState {
  status: 'idle' | 'working' | 'error';
  message: string | null;
}

export interface AppState {
  ready: boolean;
  bootError: string | null;
  info: AppInfo | null;
  settings: Settings;
  view: View;
  overlay: Overlay;
  notice: Notice | null;

  runs: RunSummary[];
  suites: SuiteEntry[];
  runsError: string | null;
  suiteCheck: SuiteCheckState;
  startState: AsyncState;
  openState: AsyncState;
  /** Run ids with a cancel/resume call in flight. */
  busyRuns: string[];

  runId: string | null;
  pairs: PairView[];
  pairIndex: Map<string, number>;
  pairsLoading: boolean;
  pairsError: string | null;
  filterText: string;
  filter: ParsedFilter;
  visibleKeys: string[];
  buckets: Bucket[];
  currentKey: string | null;
  /** When the current pair was shown (durationMs of its verdict counts from here). */
  shownAt: number;
  blind: boolean;
  mode: ViewMode;
  zoomCommand: ZoomCommand | null;
  /** Bumped by `/`: the filter box focuses itself when it changes. */
  focusFilterSeq: number;
  drafts: Record<string, Draft>;
  save: SaveState;
  undoStack: UndoEntry[];
  exportState: ExportState;

  boot(): Promise<void>;
  dispose(): void;
  setView(view: View): void;
  setOverlay(overlay: Overlay): void;
  setNotice(notice: Notice | null): void;
  refreshRuns(): Promise<void>;
  checkSuite(text: string, fileName: string): Promise<void>;
  clearSuiteCheck(): void;
  startRun(request: StartRunRequest): Promise<RunSummary | null>;
  cancelRun(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  openRunFolder(dir: string): Promise<RunSummary | null>;
  openRun(runId: string): Promise<void>;
  reloadPairs(): Promise<void>;
  setFilterText(text: string): void;
  toggleBucket(name: string): void;
  select(pairKey: string): void;
  move(delta: 1 | -1): void;
  selectTurn(delta: 1 | -1): void;
  judge(choice: PositionalVerdict): Promise<void>;
  /** Re-save the newest verdict's value with the edited tags/note, staying on the pair. */
  amend(): Promise<void>;
  undo(): Promise<void>;
  toggleBlind(): void;
  toggleTag(tag: string): void;
  setNote(note: string): void;
  setMode(mode: ViewMode): void;
  zoom(kind: ZoomCommand['kind']): void;
  saveSettings(patch: Partial<Settings>): Promise<boolean>;
  exportRun(format: ExportFormat): Promise<void>;
  handleAction(action: KeyAction): void;
}

export interface StoreDeps {
  api: ReviewApi;
  now?: () => number;
}

export type ReviewStore = StoreApi<AppState>;

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

/** How long our own verdict writes excuse a matching `pairs-changed` event from a full reload. */
const OWN_WRITE_WINDOW_MS = 5000;

export function currentPair(state: Pick<AppState, 'pairs' | 'pairIndex' | 'currentKey'>): PairView | null {
  if (state.currentKey === null) return null;
  const i = state.pairIndex.get(state.currentKey);
  return i === undefined ? null : (state.pairs[i] ?? null);
}

export function currentRun(state: Pick<AppState, 'runs' | 'runId'>): RunSummary | null {
  return state.runs.find((r) => r.id === state.runId) ?? null;
}

export function reviewerOf(state: Pick<AppState, 'settings'>): string | null {
  return state.settings.reviewer.trim() === '' ? null : state.settings.reviewer;
}

/** The tags and note the verdict panel shows: an edit in progress, else the reviewer's newest verdict. */
export function draftFor(state: Pick<AppState, 'drafts' | 'settings'>, pair: PairView): Draft {
  const edited = state.drafts[pair.key];
  if (edited) return edited;
  const v = latestVerdict(pair, reviewerOf(state));
  return v ? { tags: [...v.tags], note: v.note } : { tags: [], note: '' };
}

/** True when the panel's tags/note differ from what is saved (the reviewer must press a verdict key). */
export function draftIsUnsaved(state: Pick<AppState, 'drafts' | 'settings'>, pair: PairView): boolean {
  const edited = state.drafts[pair.key];
  if (!edited) return false;
  const v = latestVerdict(pair, reviewerOf(state));
  const savedTags = v?.tags ?? [];
  const sameTags = savedTags.length === edited.tags.length && savedTags.every((t) => edited.tags.includes(t));
  return !sameTags || (v?.note ?? '') !== edited.note;
}

/**
 * The pairs worth preparing before the reviewer gets there: the next `ahead` pairs of the visible (filtered)
 * list, then the previous one (j/k both ways).
 */
export function neighbourPairs(
  state: Pick<AppState, 'pairs' | 'pairIndex' | 'visibleKeys' | 'currentKey'>,
  ahead = 2,
): { next: PairView[]; previous: PairView | null } {
  const at = state.currentKey === null ? -1 : state.visibleKeys.indexOf(state.currentKey);
  const pairOf = (key: string | undefined): PairView | null => {
    const i = key === undefined ? undefined : state.pairIndex.get(key);
    return (i === undefined ? null : state.pairs[i]) ?? null;
  };
  const next: PairView[] = [];
  for (let d = 1; d <= ahead; d++) {
    const p = pairOf(state.visibleKeys[at + d]);
    if (p) next.push(p);
  }
  return { next, previous: at > 0 ? pairOf(state.visibleKeys[at - 1]) : null };
}

function derive(pairs: PairView[], filter: ParsedFilter, settings: Settings) {
  const reviewer = settings.reviewer.trim() === '' ? null : settings.reviewer;
  return {
    visibleKeys: filterPairs(pairs, filter, { reviewer }).map((p) => p.key),
    buckets: computeBuckets(pairs, reviewer),
  };
}

function upsertRun(runs: RunSummary[], run: RunSummary): RunSummary[] {
  const i = runs.findIndex((r) => r.id === run.id);
  if (i >= 0) {
    const next = runs.slice();
    next[i] = run;
    return next;
  }
  return [run, ...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const IDLE: AsyncState = { status: 'idle', message: null };

export function createReviewStore(deps: StoreDeps): ReviewStore {
  const { api } = deps;
  const now = deps.now ?? (() => Date.now());
  let unsubscribe: (() => void) | null = null;
  let reloading = false;
  let reloadDirty = false;
  /** Bumped by every local write to pairs; a reload that raced one is refetched rather than applied. */
  let mutationSeq = 0;
  const ownWrites = new Map<string, number>();
  let undoing = false;
  const savingKeys = new Set<string>();

  const store = createStore<AppState>()((set, get) => {
    function applyPairs(pairs: PairView[], preferUnreviewed: boolean): void {
      const s = get();
      const { visibleKeys, buckets } = derive(pairs, s.filter, s.settings);
      const pairIndex = new Map(pairs.map((p, i) => [p.key, i]));
      let currentKey = s.currentKey !== null && pairIndex.has(s.currentKey) ? s.currentKey : null;
      if (currentKey === null) {
        const reviewer = reviewerOf(s);
        const firstOpen = preferUnreviewed
          ? visibleKeys.find((k) => latestVerdict(pairs[pairIndex.get(k)!]!, reviewer) === null)
          : undefined;
        currentKey = firstOpen ?? visibleKeys[0] ?? null;
      }
      const changedCurrent = currentKey !== s.currentKey;
      set({ pairs, pairIndex, visibleKeys, buckets, currentKey, ...(changedCurrent ? { shownAt: now() } : {}) });
    }

    function replacePair(pair: PairView): void {
      const s = get();
      const i = s.pairIndex.get(pair.key);
      if (i === undefined) return;
      const pairs = s.pairs.slice();
      pairs[i] = pair;
      mutationSeq++;
      set({ pairs, ...derive(pairs, s.filter, s.settings) });
    }

    /** Cancel or resume: the run row is busy meanwhile, a failure becomes a notice naming the action. */
    async function runAction(runId: string, channel: 'runs:cancel' | 'runs:resume', action: string): Promise<void> {
      set({ busyRuns: [...get().busyRuns, runId] });
      try {
        const run = await api.call(channel, { runId });
        set({ runs: upsertRun(get().runs, run) });
      } catch (error) {
        set({ notice: { kind: 'error', text: `${action} failed: ${errorMessage(error)}` } });
      } finally {
        set({ busyRuns: get().busyRuns.filter((id) => id !== runId) });
      }
    }

    function markOwnWrite(key: string): void {
      ownWrites.set(key, now() + OWN_WRITE_WINDOW_MS);
    }

    function onEvent(event: UiEvent): void {
      const s = get();
      if (event.type === 'run-updated') {
        set({ runs: upsertRun(s.runs, event.run) });
        return;
      }
      if (event.runId !== s.runId) return;
      const t = now();
      for (const [k, until] of ownWrites) if (until < t) ownWrites.delete(k);
      // Our own verdict already updated the pair locally; a full list reload per key press would be waste.
      if (event.pairKeys.length > 0 && event.pairKeys.every((k) => ownWrites.has(k))) return;
      void get().reloadPairs();
    }

    async function saveVerdict(pair: PairView, verdict: VerdictValue, swapped: boolean, advance: boolean): Promise<void> {
      const s = get();
      const runId = s.runId;
      if (runId === null) return;
      const draft = draftFor(s, pair);
      const durationMs = Math.min(86_400_000, Math.max(0, Math.round(now() - s.shownAt)));
      const at = s.visibleKeys.indexOf(pair.key);
      // Chosen before the write: once judged, the pair may leave a filtered list (is:unreviewed).
      const nextKey = at >= 0 ? (s.visibleKeys[at + 1] ?? null) : null;
      set({ save: { status: 'saving', pairKey: pair.key, message: null } });
      markOwnWrite(pair.key);
      savingKeys.add(pair.key);
      let saved;
      try {
        saved = await api.call('verdicts:set', {
          runId,
          pairKey: pair.key,
          verdict,
          tags: draft.tags,
          note: draft.note,
          blind: s.blind,
          swapped,
          durationMs,
        });
      } catch (error) {
        set({ save: { status: 'error', pairKey: pair.key, message: `Not saved: ${errorMessage(error)}` } });
        return;
      } finally {
        savingKeys.delete(pair.key);
      }
      if (get().runId !== runId) return;
      const latest = currentPairByKey(pair.key) ?? pair;
      const drafts = { ...get().drafts };
      delete drafts[pair.key];
      set({
        drafts,
        undoStack: [...get().undoStack, { runId, pairKey: pair.key, verdictId: saved.id }].slice(-200),
        save: { status: 'saved', pairKey: pair.key, message: null },
      });
      // A reload that finished meanwhile may already hold the new verdict.
      if (!latest.verdicts.some((v) => v.id === saved.id)) replacePair({ ...latest, verdicts: [...latest.verdicts, saved] });
      if (!advance || get().currentKey !== pair.key) return;
      if (nextKey !== null) get().select(nextKey);
      else set({ notice: { kind: 'info', text: 'That was the last pair in this list. Clear the filter or pick another bucket to go on.' } });
    }

    function currentPairByKey(key: string): PairView | null {
      const s = get();
      const i = s.pairIndex.get(key);
      return i === undefined ? null : (s.pairs[i] ?? null);
    }

    function needReviewer(): boolean {
      if (reviewerOf(get()) !== null) return false;
      set({ overlay: 'reviewer', notice: { kind: 'info', text: 'Set your reviewer name first: it is stored with every verdict.' } });
      return true;
    }

    return {
      ready: false,
      bootError: null,
      info: null,
      settings: { reviewer: '', blindByDefault: false },
      view: 'runs',
      overlay: null,
      notice: null,

      runs: [],
      suites: [],
      runsError: null,
      suiteCheck: { status: 'idle', fileName: null, text: null, suite: null, error: null },
      startState: IDLE,
      openState: IDLE,
      busyRuns: [],

      runId: null,
      pairs: [],
      pairIndex: new Map(),
      pairsLoading: false,
      pairsError: null,
      filterText: '',
      filter: EMPTY_FILTER,
      visibleKeys: [],
      buckets: computeBuckets([], null),
      currentKey: null,
      shownAt: 0,
      blind: false,
      mode: 'split',
      zoomCommand: null,
      focusFilterSeq: 0,
      drafts: {},
      save: { status: 'idle', pairKey: null, message: null },
      undoStack: [],
      exportState: { status: 'idle', format: null, file: null, path: null, url: null, message: null },

      async boot() {
        unsubscribe?.();
        unsubscribe = api.subscribe(onEvent);
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

      async refreshRuns() {
        try {
          const runs = await api.call('runs:list', {});
          set({ runs, runsError: null });
        } catch (error) {
          set({ runsError: errorMessage(error) });
        }
      },

      async checkSuite(text, fileName) {
        set({ suiteCheck: { status: 'checking', fileName, text, suite: null, error: null } });
        try {
          const result = await api.call('suites:check', { text, fileName });
          if (get().suiteCheck.text !== text) return;
          set({
            suiteCheck: result.ok
              ? { status: 'ok', fileName, text, suite: result.suite, error: null }
              : { status: 'error', fileName, text, suite: null, error: result.error },
          });
        } catch (error) {
          set({ suiteCheck: { status: 'error', fileName, text, suite: null, error: errorMessage(error) } });
        }
      },
      clearSuiteCheck() {
        set({ suiteCheck: { status: 'idle', fileName: null, text: null, suite: null, error: null } });
      },

      async startRun(request) {
        set({ startState: { status: 'working', message: null } });
        try {
          const run = await api.call('runs:start', request);
          set({ runs: upsertRun(get().runs, run), startState: IDLE, notice: { kind: 'info', text: `Started run ${run.id} (${run.suiteName}).` } });
          return run;
        } catch (error) {
          set({ startState: { status: 'error', message: errorMessage(error) } });
          return null;
        }
      },

      cancelRun: (runId) => runAction(runId, 'runs:cancel', 'Cancel'),
      resumeRun: (runId) => runAction(runId, 'runs:resume', 'Resume'),

      async openRunFolder(dir) {
        set({ openState: { status: 'working', message: null } });
        try {
          const run = await api.call('runs:open', { dir });
          set({ runs: upsertRun(get().runs, run), openState: IDLE });
          return run;
        } catch (error) {
          set({ openState: { status: 'error', message: errorMessage(error) } });
          return null;
        }
      },

      async openRun(runId) {
        const s = get();
        const sameRun = s.runId === runId;
        set({
          runId,
          view: 'review',
          overlay: s.overlay === 'reviewer' ? 'reviewer' : null,
          pairsLoading: true,
          pairsError: null,
          ...(sameRun
            ? {}
            : {
                pairs: [],
                pairIndex: new Map(),
                visibleKeys: [],
                currentKey: null,
                filterText: '',
                filter: EMPTY_FILTER,
                drafts: {},
                save: { status: 'idle', pairKey: null, message: null },
                exportState: { status: 'idle', format: null, file: null, path: null, url: null, message: null },
              }),
        });
        try {
          const pairs = await api.call('pairs:list', { runId });
          if (get().runId !== runId) return;
          set({ pairsLoading: false });
          applyPairs(pairs, !sameRun);
        } catch (error) {
          if (get().runId !== runId) return;
          set({ pairsLoading: false, pairsError: errorMessage(error) });
        }
      },

      async reloadPairs() {
        if (reloading) {
          reloadDirty = true;
          return;
        }
        reloading = true;
        try {
          do {
            reloadDirty = false;
            const runId = get().runId;
            if (runId === null) return;
            const seq = mutationSeq;
            let pairs: PairView[];
            try {
              pairs = await api.call('pairs:list', { runId });
            } catch (error) {
              set({ pairsError: errorMessage(error) });
              return;
            }
            if (get().runId !== runId) return;
            // A verdict landed while the list was in flight: the list may predate it, so fetch again.
            if (seq !== mutationSeq) {
              reloadDirty = true;
              continue;
            }
            set({ pairsError: null });
            applyPairs(pairs, false);
          } while (reloadDirty);
        } finally {
          reloading = false;
        }
      },

      setFilterText(text) {
        const s = get();
        const filter = parseFilter(text);
        const { visibleKeys, buckets } = derive(s.pairs, filter, s.settings);
        const keep = s.currentKey !== null && visibleKeys.includes(s.currentKey);
        const currentKey = keep ? s.currentKey : (visibleKeys[0] ?? s.currentKey);
        set({ filterText: text, filter, visibleKeys, buckets, currentKey, ...(currentKey !== s.currentKey ? { shownAt: now() } : {}) });
      },

      toggleBucket(name) {
        const s = get();
        const bucket = s.buckets.find((b) => b.name === name);
        if (!bucket) return;
        const exclusive = groupTokens(s.buckets, bucket.group);
        // "All" clears its group; any other chip toggles its token and replaces the rest of its group.
        const text =
          bucket.token === ''
            ? tokenize(s.filterText).map((t) => t.raw).filter((t) => !exclusive.includes(t)).join(' ')
            : toggleToken(s.filterText, bucket.token, exclusive);
        get().setFilterText(text);
      },

      select(pairKey) {
        const s = get();
        if (!s.pairIndex.has(pairKey)) return;
        if (s.currentKey === pairKey) return;
        set({
          currentKey: pairKey,
          shownAt: now(),
          // The save state names its pair, so it stays visible after moving on ("Saved · poster-001").
          overlay: s.overlay === 'help' || s.overlay === 'reviewer' ? s.overlay : null,
        });
      },

      move(delta) {
        const s = get();
        if (s.visibleKeys.length === 0) return;
        const at = s.currentKey === null ? -1 : s.visibleKeys.indexOf(s.currentKey);
        let target: string | undefined;
        if (at < 0) target = delta > 0 ? s.visibleKeys[0] : s.visibleKeys[s.visibleKeys.length - 1];
        else target = s.visibleKeys[at + delta];
        if (target === undefined) {
          set({ notice: { kind: 'info', text: delta > 0 ? 'Last pair of the list.' : 'First pair of the list.' } });
          return;
        }
        get().select(target);
      },

      selectTurn(delta) {
        const s = get();
        const pair = currentPair(s);
        if (!pair || pair.turns <= 1) return;
        const target = chainOf(s.pairs, pair).find((p) => p.turn === pair.turn + delta);
        if (target) get().select(target.key);
      },

      async judge(choice) {
        const s = get();
        const pair = currentPair(s);
        if (!pair || s.runId === null) return;
        if (needReviewer()) return;
        // One write per pair at a time: a double-tapped key must not store two verdicts.
        if (savingKeys.has(pair.key)) return;
        const { swapped } = placement(pair, s.blind);
        await saveVerdict(pair, verdictFor(choice, swapped), swapped, true);
      },

      async amend() {
        const s = get();
        const pair = currentPair(s);
        if (!pair || savingKeys.has(pair.key)) return;
        if (needReviewer()) return;
        const latest = latestVerdict(pair, reviewerOf(s));
        if (!latest) {
          set({ notice: { kind: 'info', text: 'No verdict yet: press 1–4 or s to judge this pair with these tags.' } });
          return;
        }
        await saveVerdict(pair, latest.verdict, placement(pair, s.blind).swapped, false);
      },

      async undo() {
        const s = get();
        if (s.runId === null || undoing) return;
        const runId = s.runId;
        let entry: UndoEntry | undefined = [...s.undoStack].reverse().find((e) => e.runId === runId);
        if (!entry) {
          // Nothing from this session: the reviewer's newest verdict in the run (e.g. after a reload).
          const reviewer = reviewerOf(s);
          let newest: { pairKey: string; id: string; createdAt: string } | null = null;
          for (const p of s.pairs) {
            for (const v of p.verdicts) {
              if (reviewer !== null && v.reviewer !== reviewer) continue;
              if (!newest || v.createdAt > newest.createdAt) newest = { pairKey: p.key, id: v.id, createdAt: v.createdAt };
            }
          }
          if (newest) entry = { runId, pairKey: newest.pairKey, verdictId: newest.id };
        }
        if (!entry) {
          set({ notice: { kind: 'info', text: 'Nothing to undo.' } });
          return;
        }
        const target = entry;
        undoing = true;
        markOwnWrite(target.pairKey);
        try {
          await api.call('verdicts:undo', { runId, verdictId: target.verdictId });
        } catch (error) {
          set({ notice: { kind: 'error', text: `Undo failed: ${errorMessage(error)}` } });
          return;
        } finally {
          undoing = false;
        }
        if (get().runId !== runId) return;
        const stack = get().undoStack.filter((e) => e.verdictId !== target.verdictId);
        const pair = currentPairByKey(target.pairKey);
        set({ undoStack: stack });
        if (pair) {
          const removed = pair.verdicts.find((v) => v.id === target.verdictId);
          replacePair({ ...pair, verdicts: pair.verdicts.filter((v) => v.id !== target.verdictId) });
          // Keep what was typed: re-judging the pair should not lose its tags and note.
          if (removed) set({ drafts: { ...get().drafts, [pair.key]: { tags: [...removed.tags], note: removed.note } } });
          get().select(pair.key);
          const swapped = placement(pair, get().blind).swapped;
          set({
            save: { status: 'idle', pairKey: null, message: null },
            notice: { kind: 'info', text: `Undid ${removed ? `"${verdictLabel(removed.verdict, get().blind, swapped)}"` : 'the verdict'} on ${pairLabel(pair, pair.repeat > 1)}.` },
          });
        }
      },

      toggleBlind() {
        set({ blind: !get().blind });
      },

      toggleTag(tag) {
        const s = get();
        const pair = currentPair(s);
        if (!pair) return;
        const draft = draftFor(s, pair);
        const tags = draft.tags.includes(tag) ? draft.tags.filter((t) => t !== tag) : [...draft.tags, tag];
        set({ drafts: { ...s.drafts, [pair.key]: { ...draft, tags } } });
      },

      setNote(note) {
        const s = get();
        const pair = currentPair(s);
        if (!pair) return;
        set({ drafts: { ...s.drafts, [pair.key]: { ...draftFor(s, pair), note: note.slice(0, 4000) } } });
      },

      setMode(mode) {
        set({ mode });
      },

      zoom(kind) {
        set({ zoomCommand: { kind, seq: (get().zoomCommand?.seq ?? 0) + 1 } });
      },

      async saveSettings(patch) {
        try {
          const settings = await api.call('settings:set', patch);
          const s = get();
          set({
            settings,
            ...derive(s.pairs, s.filter, settings),
            overlay: s.overlay === 'reviewer' && settings.reviewer.trim() !== '' ? null : s.overlay,
            notice: s.overlay === 'reviewer' ? null : s.notice,
          });
          return true;
        } catch (error) {
          set({ notice: { kind: 'error', text: `Settings not saved: ${errorMessage(error)}` } });
          return false;
        }
      },

      async exportRun(format) {
        const runId = get().runId;
        if (runId === null) return;
        set({ exportState: { status: 'working', format, file: null, path: null, url: null, message: null } });
        try {
          const result = await api.call('runs:export', { runId, format });
          set({ exportState: { status: 'done', format, file: result.file, path: result.path, url: api.fileUrl(runId, result.file), message: null } });
        } catch (error) {
          set({ exportState: { status: 'error', format, file: null, path: null, url: null, message: errorMessage(error) } });
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
        switch (action) {
          case 'next':
            get().move(1);
            return;
          case 'prev':
            get().move(-1);
            return;
          case 'turn-next':
            get().selectTurn(1);
            return;
          case 'turn-prev':
            get().selectTurn(-1);
            return;
          case 'tags':
            if (currentPair(s)) set({ overlay: 'tags' });
            return;
          case 'note':
            if (currentPair(s)) set({ overlay: 'note' });
            return;
          case 'undo':
            void get().undo();
            return;
          case 'filter':
            set({ focusFilterSeq: s.focusFilterSeq + 1 });
            return;
          case 'fit':
            get().zoom('fit');
            return;
          case 'zoom-in':
            get().zoom('in');
            return;
          case 'zoom-out':
            get().zoom('out');
            return;
          default:
            return;
        }
      },
    };
  });
  return store;
}
