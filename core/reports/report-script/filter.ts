/** The report's pair filter, pure: which pairs, chains and cases stay visible for a query. */
import type { PairIndexEntry } from '../pair-index.ts';

export interface FilterQuery {
  /** Free text: every whitespace-separated term must occur (case-insensitive). */
  text: string;
  /** A category, or '' for all. */
  category: string;
  /** A pair flag (see PAIR_FLAGS), or '' for any. */
  status: string;
}

export interface FilterResult {
  pairs: Set<string>;
  chains: Set<string>;
  groups: Set<string>;
}

export function searchTerms(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function entryMatches(entry: PairIndexEntry, terms: readonly string[], query: FilterQuery): boolean {
  return (
    terms.every((t) => entry.text.includes(t)) &&
    (query.category === '' || entry.category === query.category) &&
    (query.status === '' || (entry.flags as readonly string[]).includes(query.status))
  );
}

/** The visible pairs, and the chains and cases that hold at least one of them. */
export function applyFilter(index: readonly PairIndexEntry[], query: FilterQuery): FilterResult {
  const terms = searchTerms(query.text);
  const result: FilterResult = { pairs: new Set(), chains: new Set(), groups: new Set() };
  for (const entry of index) {
    if (!entryMatches(entry, terms, query)) continue;
    result.pairs.add(entry.id);
    result.chains.add(entry.chain);
    result.groups.add(entry.group);
  }
  return result;
}

export function countLabel(shown: number, total: number): string {
  return `${shown} of ${total} pairs`;
}
