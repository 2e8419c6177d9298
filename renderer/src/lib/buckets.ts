/**
 * Status buckets with counts (Argos / BackstopJS): each is a filter token, so a chip click only edits the
 * query and the list, the counts and the URL of truth stay one thing.
 */
import type { PairView } from '../../../shared/contract.ts';
import { VERDICTS, allTagsOf, type VerdictValue } from '../../../shared/model.ts';
import { latestVerdict, pairStatus } from './pair-utils.ts';

/** A↔B share of changed pixels above which a pair counts as a "big diff" (the filter example's 0.5%). */
export const BIG_DIFF_RATIO = 0.005;
export const BIG_DIFF_TOKEN = 'diff>0.5%';
/** Pairs where the text check failed on either side (issue 11). */
export const TEXT_FAILURES_TOKEN = 'ocr:fail';

export type BucketGroup = 'status' | 'verdict' | 'tag';

export interface Bucket {
  /** Stable id, used in data-testid="bucket-<name>". */
  name: string;
  label: string;
  count: number;
  /** The filter token the chip toggles; empty for "all" (clears its group). */
  token: string;
  group: BucketGroup;
}

const VERDICT_LABELS: Record<VerdictValue, string> = {
  A_better: 'A better',
  B_better: 'B better',
  tie: 'Tie',
  both_bad: 'Both bad',
  skip: 'Skipped',
};

/**
 * Counts for one list of pairs. Verdict and tag buckets read `reviewer`'s newest verdict (null = anyone's),
 * the same rule as the v: and tag: tokens, so a chip's count equals the rows it shows.
 */
export function computeBuckets(pairs: readonly PairView[], reviewer: string | null): Bucket[] {
  let errors = 0;
  let pending = 0;
  let bigDiff = 0;
  let reviewed = 0;
  let textFailures = 0;
  let textRead = 0;
  const byVerdict = new Map<VerdictValue, number>();
  const byTag = new Map<string, number>();
  for (const pair of pairs) {
    const status = pairStatus(pair);
    if (status === 'error') errors++;
    if (status === 'pending') pending++;
    if ((pair.diff?.ratio ?? 0) > BIG_DIFF_RATIO) bigDiff++;
    if (pair.A.text || pair.B.text) textRead++;
    if (pair.A.text?.pass === false || pair.B.text?.pass === false) textFailures++;
    const v = latestVerdict(pair, reviewer);
    if (v) {
      reviewed++;
      byVerdict.set(v.verdict, (byVerdict.get(v.verdict) ?? 0) + 1);
      for (const t of allTagsOf(v)) byTag.set(t, (byTag.get(t) ?? 0) + 1);
    }
  }
  const buckets: Bucket[] = [
    { name: 'all', label: 'All', count: pairs.length, token: '', group: 'status' },
    { name: 'unreviewed', label: 'Unreviewed', count: pairs.length - reviewed, token: 'is:unreviewed', group: 'status' },
    { name: 'reviewed', label: 'Reviewed', count: reviewed, token: 'is:reviewed', group: 'status' },
    { name: 'errors', label: 'Errors', count: errors, token: 'status:error', group: 'status' },
    { name: 'big-diff', label: 'Diff > 0.5%', count: bigDiff, token: BIG_DIFF_TOKEN, group: 'status' },
  ];
  // Shown once any output was read: a run with OCR off (or no expected text) has nothing to say here.
  if (textRead > 0) buckets.push({ name: 'text-failures', label: 'Text failures', count: textFailures, token: TEXT_FAILURES_TOKEN, group: 'status' });
  if (pending > 0) buckets.push({ name: 'pending', label: 'Pending', count: pending, token: 'status:pending', group: 'status' });
  for (const v of VERDICTS) {
    buckets.push({ name: `v-${v}`, label: VERDICT_LABELS[v], count: byVerdict.get(v) ?? 0, token: `v:${v}`, group: 'verdict' });
  }
  for (const [tag, count] of [...byTag].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    buckets.push({ name: `tag-${tag}`, label: tag, count, token: `tag:${tag}`, group: 'tag' });
  }
  return buckets;
}

/** Tokens that exclude each other when a chip of `group` is clicked. */
export function groupTokens(buckets: readonly Bucket[], group: BucketGroup): string[] {
  return buckets.filter((b) => b.group === group && b.token !== '').map((b) => b.token);
}
