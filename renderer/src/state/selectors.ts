/**
 * Pure reads of the store's state, used by the components and the slices. Derived lists (visible keys, bucket
 * counts) are computed when their inputs change and stored, so React selectors return stable references and
 * thousands of pairs are filtered once per change, not per render.
 */
import type { PairView, RunSummary } from '../../../shared/contract.ts';
import { computeBuckets } from '../lib/buckets.ts';
import { filterPairs } from '../lib/filter.ts';
import { latestVerdict } from '../lib/pair-utils.ts';
import { sortPairs } from '../lib/sort.ts';
import { sideTagsOf } from '../../../shared/model.ts';
import type { AppState, Draft } from './types.ts';

export function currentPair(state: Pick<AppState, 'pairs' | 'pairIndex' | 'currentKey'>): PairView | null {
  if (state.currentKey === null) return null;
  const i = state.pairIndex.get(state.currentKey);
  return i === undefined ? null : (state.pairs[i] ?? null);
}

export function pairByKey(state: Pick<AppState, 'pairs' | 'pairIndex'>, key: string): PairView | null {
  const i = state.pairIndex.get(key);
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
  if (!v) return { tags: [], note: '', sideTags: { A: [], B: [] }, dismissed: { A: [], B: [] } };
  const st = sideTagsOf(v);
  const dm = v.dismissed ?? { A: [], B: [] };
  return { tags: [...v.tags], note: v.note, sideTags: { A: [...st.A], B: [...st.B] }, dismissed: { A: [...dm.A], B: [...dm.B] } };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

/** True when the panel's tags/note differ from what is saved (the reviewer must press a verdict key). */
export function draftIsUnsaved(state: Pick<AppState, 'drafts' | 'settings'>, pair: PairView): boolean {
  const edited = state.drafts[pair.key];
  if (!edited) return false;
  const v = latestVerdict(pair, reviewerOf(state));
  const savedTags = v?.tags ?? [];
  const saved = sideTagsOf(v);
  const sameTags = sameSet(savedTags, edited.tags) && sameSet(saved.A, edited.sideTags.A) && sameSet(saved.B, edited.sideTags.B);
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
  const pairOf = (key: string | undefined): PairView | null => (key === undefined ? null : pairByKey(state, key));
  const next: PairView[] = [];
  for (let d = 1; d <= ahead; d++) {
    const p = pairOf(state.visibleKeys[at + d]);
    if (p) next.push(p);
  }
  return { next, previous: at > 0 ? pairOf(state.visibleKeys[at - 1]) : null };
}

/** What the visible list depends on besides the pairs. */
export type ListView = Pick<AppState, 'filter' | 'settings' | 'blind' | 'sort'>;

/**
 * The visible list (filtered, then sorted: j/k walk it in this order) and the bucket counts for these pairs,
 * this filter, this sort and this reviewer. `pairs` come in suite order, which breaks the sort's ties.
 */
export function derive(pairs: PairView[], view: ListView) {
  const reviewer = view.settings.reviewer.trim() === '' ? null : view.settings.reviewer;
  return {
    visibleKeys: sortPairs(filterPairs(pairs, view.filter, { reviewer, blind: view.blind }), view.sort).map((p) => p.key),
    buckets: computeBuckets(pairs, reviewer),
  };
}

/** The run list with this run replaced or added, newest first. */
export function upsertRun(runs: RunSummary[], run: RunSummary): RunSummary[] {
  const i = runs.findIndex((r) => r.id === run.id);
  if (i >= 0) {
    const next = runs.slice();
    next[i] = run;
    return next;
  }
  return [run, ...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
