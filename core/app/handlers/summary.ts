/** The Summary screen's channel (issue 13): the same headline and per-category table report.json carries. */
import { headline } from '../../../shared/headline.ts';
import { headlineInput, summaryRows } from '../../../shared/run-summary.ts';
import { reportFromStore } from '../../engine/report-from-store.ts';
import type { Handlers } from '../../rpc.ts';
import type { AppContext } from '../context.ts';

export function summaryHandlers(ctx: AppContext): Pick<Handlers, 'runs:summary'> {
  return {
    'runs:summary': async ({ runId }) => {
      const h = ctx.runs.get(runId);
      // The report builder is the one place run records become report pairs; the Summary screen reads its numbers.
      const report = reportFromStore(h.store);
      return {
        headline: report.summary.headline ?? headline(headlineInput(report.pairs)),
        rows: report.summary.categories ?? summaryRows(report.pairs),
      };
    },
  };
}
