/** Channels of reviewing a run: its pairs, and verdicts set and undone. */
import { randomUUID } from 'node:crypto';
import { pairKey, type Verdict } from '../../../shared/model.ts';
import { RpcError, type Handlers } from '../../rpc.ts';
import type { AppContext } from '../context.ts';
import { buildPairViews } from '../pair-views.ts';

export function reviewHandlers(ctx: AppContext): Pick<Handlers, 'pairs:list' | 'verdicts:set' | 'verdicts:undo'> {
  const { runs, events } = ctx;
  return {
    'pairs:list': async ({ runId }) => {
      const { store } = runs.get(runId);
      return buildPairViews({
        config: store.config,
        jobs: store.jobs(),
        results: store.results(),
        comparisons: store.comparisons(),
        verdicts: store.verdicts(),
        ocrReads: store.ocrReads(),
      });
    },
    'verdicts:set': async (req) => {
      const h = runs.get(req.runId);
      const { reviewer } = await ctx.files.loadSettings();
      if (!reviewer) throw new RpcError('bad-request', 'set your reviewer name first (it is stored with every verdict)');
      const { suite, params } = h.store.config;
      const known = suite.cases.some((c) =>
        c.turns.some((_, t) => Array.from({ length: params.repeats }, (_, r) => pairKey(c.id, t + 1, r + 1)).includes(req.pairKey)),
      );
      if (!known) throw new RpcError('not-found', `run ${req.runId} has no pair "${req.pairKey}"`);
      const verdict: Verdict = {
        id: randomUUID(),
        pairKey: req.pairKey,
        reviewer,
        verdict: req.verdict,
        tags: [...new Set(req.tags)],
        sideTags: { A: [...new Set(req.sideTags?.A ?? [])], B: [...new Set(req.sideTags?.B ?? [])] },
        dismissed: { A: [...new Set(req.dismissed?.A ?? [])], B: [...new Set(req.dismissed?.B ?? [])] },
        note: req.note,
        blind: req.blind,
        swapped: req.swapped,
        durationMs: req.durationMs,
        createdAt: new Date().toISOString(),
      };
      h.store.addVerdict(verdict);
      events.emit({ type: 'pairs-changed', runId: h.id, pairKeys: [req.pairKey] });
      return verdict;
    },
    'verdicts:undo': async ({ runId, verdictId }) => {
      const h = runs.get(runId);
      const verdict = h.store.verdicts().find((v) => v.id === verdictId);
      if (!verdict || !h.store.deleteVerdict(verdictId)) throw new RpcError('not-found', `no verdict ${verdictId} in run ${runId}`);
      events.emit({ type: 'pairs-changed', runId, pairKeys: [verdict.pairKey] });
      return { ok: true as const };
    },
  };
}
