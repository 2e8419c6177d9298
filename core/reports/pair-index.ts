/**
 * The pair index: the one piece of data report.html hands its browser script (a JSON block, `#pair-index`).
 * Node writes it (html-pairs.ts) and the script reads it (report-script/), so this file is in both TypeScript
 * projects and imports nothing.
 */

/** Status filter values; each pair carries the ones that apply to it. */
export const PAIR_FLAGS = ['ok', 'error', 'pending', 'skipped', 'identical', 'mismatch', 'verdict', 'noverdict'] as const;
export type PairFlag = (typeof PAIR_FLAGS)[number];

export interface PairIndexEntry {
  /** DOM id of the pair's <article>. */
  id: string;
  /** DOM id of its chain (one repeat of a multi-turn case). */
  chain: string;
  /** DOM id of its case <section>. */
  group: string;
  category: string;
  flags: PairFlag[];
  /** Lower-cased text the free-text filter searches. */
  text: string;
}

/** DOM ids the page and the script share. */
export const REPORT_DOM = {
  index: 'pair-index',
  query: 'q',
  category: 'cat',
  status: 'st',
  count: 'count',
  lightbox: 'lightbox',
} as const;
