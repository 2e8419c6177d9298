/**
 * A report's conclusions (issue 13) as every output reads them: report.html, report.md, the CLI's closing lines and
 * the app's Summary screen. A report.json written before issue 13 stores none, so they are computed from its pairs,
 * with issue 11's per-side text checks when the pairs carry them.
 */
import { headline, type Headline } from '../../shared/headline.ts';
import type { Report, ReportPair } from '../../shared/report.ts';
import { headlineInput, summaryRows, type PairTextResult, type SummaryRow } from '../../shared/run-summary.ts';

/** Issue 11's per-side text check as the conclusions read it: pass/fail per side, null when nothing was read. */
export function reportTextOf(pair: ReportPair): PairTextResult | null {
  const A = pair.A.text?.pass ?? null;
  const B = pair.B.text?.pass ?? null;
  return A === null && B === null ? null : { A, B };
}

/** The stored headline, or one computed from the pairs. */
export function reportHeadline(report: Report): Headline {
  return report.summary.headline ?? headline(headlineInput(report.pairs, reportTextOf));
}

/** The stored per-category / per-language rows, or ones computed from the pairs. */
export function reportRows(report: Report): SummaryRow[] {
  return report.summary.categories ?? summaryRows(report.pairs, reportTextOf);
}
