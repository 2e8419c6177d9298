/**
 * The verdicts slice: judging the current pair (blind verdicts mapped back to the backend shown on that side),
 * drafts of tags and note, amending, and undo. Each verdict is saved before the next pair shows; the saved
 * record is merged into the local list, and undo reconciles the list and the drafts with what the engine holds.
 */
import type { PairView } from '../../../../shared/contract.ts';
import type { VerdictValue } from '../../../../shared/model.ts';
import { errorMessage } from '../../bridge/errors.ts';
import { placement, verdictFor, verdictLabel } from '../../lib/blind.ts';
import { latestVerdict, pairLabel } from '../../lib/pair-utils.ts';
import { currentPair, draftFor, pairByKey, reviewerOf } from '../selectors.ts';
import type { SliceContext, UndoEntry, VerdictsSlice } from '../types.ts';
import { replacePair } from './review.ts';

/** Undo entries kept per session. */
const UNDO_DEPTH = 200;

export function createVerdictsSlice(ctx: SliceContext): VerdictsSlice {
  const { api, set, get, now } = ctx;
  let undoing = false;

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
    ctx.markOwnWrite(pair.key);
    ctx.savingKeys.add(pair.key);
    let saved;
    try {
      saved = await api.call('verdicts:set', { runId, pairKey: pair.key, verdict, tags: draft.tags, note: draft.note, blind: s.blind, swapped, durationMs });
    } catch (error) {
      set({ save: { status: 'error', pairKey: pair.key, message: `Not saved: ${errorMessage(error)}` } });
      return;
    } finally {
      ctx.savingKeys.delete(pair.key);
    }
    if (get().runId !== runId) return;
    const latest = pairByKey(get(), pair.key) ?? pair;
    const drafts = { ...get().drafts };
    delete drafts[pair.key];
    set({
      drafts,
      undoStack: [...get().undoStack, { runId, pairKey: pair.key, verdictId: saved.id }].slice(-UNDO_DEPTH),
      save: { status: 'saved', pairKey: pair.key, message: null },
    });
    // A reload that finished meanwhile may already hold the new verdict.
    if (!latest.verdicts.some((v) => v.id === saved.id)) replacePair(ctx, { ...latest, verdicts: [...latest.verdicts, saved] });
    if (!advance || get().currentKey !== pair.key) return;
    if (nextKey !== null) get().select(nextKey);
    else set({ notice: { kind: 'info', text: 'That was the last pair in this list. Clear the filter or pick another bucket to go on.' } });
  }

  /** This session's newest undoable verdict in the run, else the reviewer's newest verdict (e.g. after a reload). */
  function undoTarget(runId: string): UndoEntry | undefined {
    const s = get();
    const own = [...s.undoStack].reverse().find((e) => e.runId === runId);
    if (own) return own;
    const reviewer = reviewerOf(s);
    let newest: { pairKey: string; id: string; createdAt: string } | null = null;
    for (const p of s.pairs) {
      for (const v of p.verdicts) {
        if (reviewer !== null && v.reviewer !== reviewer) continue;
        if (!newest || v.createdAt > newest.createdAt) newest = { pairKey: p.key, id: v.id, createdAt: v.createdAt };
      }
    }
    return newest ? { runId, pairKey: newest.pairKey, verdictId: newest.id } : undefined;
  }

  return {
    drafts: {},
    save: { status: 'idle', pairKey: null, message: null },
    undoStack: [],

    async judge(choice) {
      const s = get();
      const pair = currentPair(s);
      if (!pair || s.runId === null) return;
      if (ctx.needReviewer()) return;
      // One write per pair at a time: a double-tapped key must not store two verdicts.
      if (ctx.savingKeys.has(pair.key)) return;
      const { swapped } = placement(pair, s.blind);
      await saveVerdict(pair, verdictFor(choice, swapped), swapped, true);
    },

    async amend() {
      const s = get();
      const pair = currentPair(s);
      if (!pair || ctx.savingKeys.has(pair.key)) return;
      if (ctx.needReviewer()) return;
      const latest = latestVerdict(pair, reviewerOf(s));
      if (!latest) {
        set({ notice: { kind: 'info', text: 'No verdict yet: press 1–4 or s to judge this pair with these tags.' } });
        return;
      }
      await saveVerdict(pair, latest.verdict, placement(pair, s.blind).swapped, false);
    },

    async undo() {
      const runId = get().runId;
      if (runId === null || undoing) return;
      const target = undoTarget(runId);
      if (!target) {
        set({ notice: { kind: 'info', text: 'Nothing to undo.' } });
        return;
      }
      undoing = true;
      ctx.markOwnWrite(target.pairKey);
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
      const pair = pairByKey(get(), target.pairKey);
      set({ undoStack: stack });
      if (!pair) return;
      const removed = pair.verdicts.find((v) => v.id === target.verdictId);
      replacePair(ctx, { ...pair, verdicts: pair.verdicts.filter((v) => v.id !== target.verdictId) });
      // Keep what was typed: re-judging the pair should not lose its tags and note.
      if (removed) set({ drafts: { ...get().drafts, [pair.key]: { tags: [...removed.tags], note: removed.note } } });
      get().select(pair.key);
      const swapped = placement(pair, get().blind).swapped;
      set({
        save: { status: 'idle', pairKey: null, message: null },
        notice: { kind: 'info', text: `Undid ${removed ? `"${verdictLabel(removed.verdict, get().blind, swapped)}"` : 'the verdict'} on ${pairLabel(pair, pair.repeat > 1)}.` },
      });
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
  };
}
