/**
 * The shape of the UI's store: one zustand store made of five slices (./slices), each owning its part of the
 * state and the actions on it. AppState is their union; every slice reads the whole state through `get`.
 */
import type { StoreApi } from 'zustand/vanilla';
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
import type { ViewMode, ZoomCommand } from '../features/compare/types.ts';
import type { KeyAction } from '../keymap.ts';
import type { PositionalVerdict } from '../lib/blind.ts';
import type { Bucket } from '../lib/buckets.ts';
import type { ParsedFilter } from '../lib/filter.ts';
import type { SortOrder } from '../lib/sort.ts';
import type { Side } from '../../../shared/model.ts';

export type View = 'runs' | 'review' | 'summary' | 'speed';
export type Overlay = null | 'help' | 'tags' | 'note' | 'reviewer';
export type AppInfo = ResponseOf<'app:get-info'>;

export interface Draft {
  /** Tags about the pair as a whole. */
  tags: string[];
  note: string;
  /** Tags per side, in backend terms (issue 11). */
  sideTags: { A: string[]; B: string[] };
  /** Suggested tags rejected per side. */
  dismissed: { A: string[]; B: string[] };
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
  /** A suggestion accepted or rejected: undo drops it instead of keeping it as a draft. */
  suggestion?: boolean;
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

/** The shell: start-up, settings, which screen and overlay, notices, and the key dispatch. */
export interface UiSlice {
  ready: boolean;
  bootError: string | null;
  info: AppInfo | null;
  settings: Settings;
  view: View;
  overlay: Overlay;
  notice: Notice | null;
  /** Bumped by `/`: the filter box focuses itself when it changes. */
  focusFilterSeq: number;
  boot(): Promise<void>;
  dispose(): void;
  setView(view: View): void;
  setOverlay(overlay: Overlay): void;
  setNotice(notice: Notice | null): void;
  saveSettings(patch: Partial<Settings>): Promise<boolean>;
  handleAction(action: KeyAction): void;
}

/** The run list, suites, starting / cancelling / resuming / opening runs, and exporting the open one. */
export interface RunsSlice {
  runs: RunSummary[];
  suites: SuiteEntry[];
  runsError: string | null;
  suiteCheck: SuiteCheckState;
  startState: AsyncState;
  openState: AsyncState;
  /** Run ids with a cancel/resume call in flight. */
  busyRuns: string[];
  exportState: ExportState;
  refreshRuns(): Promise<void>;
  checkSuite(text: string, fileName: string): Promise<void>;
  clearSuiteCheck(): void;
  startRun(request: StartRunRequest): Promise<RunSummary | null>;
  cancelRun(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  openRunFolder(dir: string): Promise<RunSummary | null>;
  exportRun(format: ExportFormat): Promise<void>;
}

/** The open run's pairs, the filter and its buckets, the sort, and the current pair (navigation). */
export interface ReviewSlice {
  runId: string | null;
  pairs: PairView[];
  pairIndex: Map<string, number>;
  pairsLoading: boolean;
  pairsError: string | null;
  filterText: string;
  filter: ParsedFilter;
  /** The list's order (kept with the filter; opening another run starts in suite order again). */
  sort: SortOrder;
  /** The filtered pairs in the sort's order: the list shows them and j/k walk them. */
  visibleKeys: string[];
  buckets: Bucket[];
  currentKey: string | null;
  /** When the current pair was shown (durationMs of its verdict counts from here). */
  shownAt: number;
  openRun(runId: string): Promise<void>;
  reloadPairs(): Promise<void>;
  setFilterText(text: string): void;
  toggleBucket(name: string): void;
  /** Re-order the list and go to its first pair. */
  setSort(order: SortOrder): void;
  select(pairKey: string): void;
  move(delta: 1 | -1): void;
  selectTurn(delta: 1 | -1): void;
}

/** Judging: drafts of tags and note, saving, amending, and undo reconciled with the list. */
export interface VerdictsSlice {
  drafts: Record<string, Draft>;
  save: SaveState;
  undoStack: UndoEntry[];
  judge(choice: PositionalVerdict): Promise<void>;
  /** Re-save the newest verdict's value with the edited tags/note, staying on the pair. */
  amend(): Promise<void>;
  undo(): Promise<void>;
  /** Toggle a tag on the pair (no side) or on one side (backend terms). */
  toggleTag(tag: string, side?: Side): void;
  setNote(note: string): void;
  /**
   * Accept (or reject) the first open OCR suggestion of the current pair, left side first: one key press, stored
   * at once as a verdict record (the reviewer's newest verdict value, else `skip`), undone by `u`.
   */
  decideSuggestion(accept: boolean, target?: { side: Side; tag: string }): Promise<void>;
}

/** How the current pair is shown: blind mode, view mode, zoom commands. */
export interface CompareSlice {
  blind: boolean;
  mode: ViewMode;
  zoomCommand: ZoomCommand | null;
  /** OCR boxes drawn over the outputs (`r`). */
  showText: boolean;
  toggleBlind(): void;
  toggleText(): void;
  setMode(mode: ViewMode): void;
  zoom(kind: ZoomCommand['kind']): void;
}

export type AppState = UiSlice & RunsSlice & ReviewSlice & VerdictsSlice & CompareSlice;

export interface StoreDeps {
  api: ReviewApi;
  now?: () => number;
}

export type ReviewStore = StoreApi<AppState>;

export type SetState = StoreApi<AppState>['setState'];
export type GetState = StoreApi<AppState>['getState'];

/**
 * What the slices share besides the state: the api, the clock, and the bookkeeping that keeps local verdict
 * writes and list reloads consistent (not state: nothing renders from it).
 */
export interface SliceContext {
  api: ReviewApi;
  now: () => number;
  set: SetState;
  get: GetState;
  /** Bumped by every local write to pairs; a reload that raced one is refetched rather than applied. */
  mutationSeq: number;
  /** Pair keys of our own recent verdict writes → until when a matching `pairs-changed` is ignored. */
  ownWrites: Map<string, number>;
  /** Pair keys with a verdict write in flight. */
  savingKeys: Set<string>;
  /** Remember a local write to this pair, so its `pairs-changed` echo does not reload the whole list. */
  markOwnWrite(key: string): void;
  /** True (after asking for a name) when no reviewer name is set. */
  needReviewer(): boolean;
  /** The engine's push events, routed by the ui slice to the runs and review slices. */
  onRunEvent(event: Extract<UiEvent, { type: 'run-updated' }>): void;
  onPairsEvent(event: Extract<UiEvent, { type: 'pairs-changed' }>): void;
}
