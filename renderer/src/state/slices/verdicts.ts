/**
 * The verdicts slice: judging the current pair (blind verdicts mapped back to the backend shown on that side),
 * drafts of tags and note, amending, and undo. Each verdict is saved before the next pair shows; the saved
 * record is merged into the local list, and undo reconciles the list and the drafts with what the engine holds.
 */
import type { PairView } from '../../../../shared/contract.ts';
import type { Side, VerdictValue } from '../../../../shared/model.ts';
import { openSuggestions } from '../../../../shared/ocr-view.ts';
import { errorMessage } from '../../bridge/errors.ts';
import { placement, verdictFor, verdictLabel } from '../../lib/blind.ts';
import { latestVerdict, pairLabel } from '../../lib/pair-utils.ts';
import { currentPair, draftFor, pairByKey, reviewerOf } from '../selectors.ts';
import type { Draft, SliceContext, UndoEntry, VerdictsSlice } from '../types.ts';
import { replacePair } from './review.ts';

/** Undo entries kept per session. */
const UNDO_DEPTH = 200;

export function createVerdictsSlice(ctx: SliceContext): VerdictsSlice {
  const { api, set, get, now } = ctx;
  let undoing = false;

  async function saveVerdict(
    pair: PairView,
    verdict: VerdictValue,
    swapped: boolean,
    advance: boolean,
    options: { draft?: Draft; suggestion?: boolean; notice?: string } = {},
  ): Promise<void> {
    const s = get();
    const runId = s.runId;
    if (runId === null) return;
    const draft = options.draft ?? draftFor(s, pair);
    const durationMs = Math.min(86_400_000, Math.max(0, Math.round(now() - s.shownAt)));
    const at = s.visibleKeys.indexOf(pair.key);
    // Chosen before the write: once judged, the pair may leave a filtered list (is:unreviewed).
    const nextKey = at >= 0 ? (s.visibleKeys[at + 1] ?? null) : null;
    set({ save: { status: 'saving', pairKey: pair.key, message: null } });
    ctx.markOwnWrite(pair.key);
    ctx.savingKeys.add(pair.key);
    let saved;
    try {
      saved = await api.call('verdicts:set', {
        runId,
        pairKey: pair.key,
        verdict,
        tags: draft.tags,
        sideTags: draft.sideTags,
        dismissed: draft.dismissed,
        note: draft.note,
        blind: s.blind,
        swapped,
        durationMs,
      });
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
      undoStack: [...get().undoStack, { runId, pairKey: pair.key, verdictId: saved.id, ...(options.suggestion ? { suggestion: true } : {}) }].slice(-UNDO_DEPTH),
      save: { status: 'saved', pairKey: pair.key, message: null },
      ...(options.notice ? { notice: { kind: 'info' as const, text: options.notice } } : {}),
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
      const wasSuggestion = get().undoStack.some((e) => e.verdictId === target.verdictId && e.suggestion === true);
      const pair = pairByKey(get(), target.pairKey);
      set({ undoStack: stack });
      if (!pair) return;
      const removed = pair.verdicts.find((v) => v.id === target.verdictId);
      replacePair(ctx, { ...pair, verdicts: pair.verdicts.filter((v) => v.id !== target.verdictId) });
      // Keep what was typed: re-judging the pair should not lose its tags and note. An accepted or rejected
      // suggestion is the one thing undo takes back, so it leaves no draft: the pair shows its previous verdict.
      if (wasSuggestion) {
        const drafts = { ...get().drafts };
        delete drafts[pair.key];
        set({ drafts });
      } else if (removed) {
        const st = removed.sideTags ?? { A: [], B: [] };
        const dm = removed.dismissed ?? { A: [], B: [] };
        set({
          drafts: {
            ...get().drafts,
            [pair.key]: { tags: [...removed.tags], note: removed.note, sideTags: { A: [...st.A], B: [...st.B] }, dismissed: { A: [...dm.A], B: [...dm.B] } },
          },
        });
      }
      get().select(pair.key);
      const swapped = placement(pair, get().blind).swapped;
      set({
        save: { status: 'idle', pairKey: null, message: null },
        notice: { kind: 'info', text: `Undid ${removed ? `"${verdictLabel(removed.verdict, get().blind, swapped)}"` : 'the verdict'} on ${pairLabel(pair, pair.repeat > 1)}.` },
      });
    },

    toggleTag(tag, side) {
      const s = get();
      const pair = currentPair(s);
      if (!pair) return;
      const draft = draftFor(s, pair);
      const flip = (list: readonly string[]): string[] => (list.includes(tag) ? list.filter((t) => t !== tag) : [...list, tag]);
      const next: Draft = side ? { ...draft, sideTags: { ...draft.sideTags, [side]: flip(draft.sideTags[side]) } } : { ...draft, tags: flip(draft.tags) };
      set({ drafts: { ...s.drafts, [pair.key]: next } });
    },

    async decideSuggestion(accept, target) {
      const s = get();
      const pair = currentPair(s);
      if (!pair || s.runId === null || ctx.savingKeys.has(pair.key)) return;
      if (ctx.needReviewer()) return;
      const place = placement(pair, s.blind);
      const draft = draftFor(s, pair);
      let found: { side: Side; position: 'left' | 'right'; tag: string } | null = null;
      for (const position of ['left', 'right'] as const) {
        const side = place[position];
        if (target && target.side !== side) continue;
        const open = openSuggestions(pair[side].text, draft.sideTags[side], draft.dismissed[side]);
        const tag = target ? open.find((t) => t === target.tag) : open[0];
        if (tag) {
          found = { side, position, tag };
          break;
        }
      }
      if (!found) {
        set({ notice: { kind: 'info', text: 'No open text suggestion on this pair.' } });
        return;
      }
      const { side, position, tag } = found;
      const next: Draft = accept
        ? { ...draft, sideTags: { ...draft.sideTags, [side]: [...draft.sideTags[side], tag] } }
        : { ...draft, dismissed: { ...draft.dismissed, [side]: [...draft.dismissed[side], tag] } };
      // Stored at once, like any verdict: the reviewer's newest verdict value stays; with none yet the record is a
      // `skip` that a later 1–4 replaces (the newest verdict counts).
      const latest = latestVerdict(pair, reviewerOf(s));
      const where = s.blind ? (position === 'left' ? 'Left' : 'Right') : `${side} (${position})`;
      await saveVerdict(pair, latest?.verdict ?? 'skip', place.swapped, false, {
        draft: next,
        suggestion: true,
        notice: `${accept ? 'Accepted' : 'Rejected'} ${tag} on ${where}${latest ? '' : ' (stored as Skip until you judge the pair with 1–4)'}. u undoes it.`,
      });
    },

    setNote(note) {
      const s = get();
      const pair = currentPair(s);
      if (!pair) return;
      set({ drafts: { ...s.drafts, [pair.key]: { ...draftFor(s, pair), note: note.slice(0, 4000) } } });
    },
  };
}
