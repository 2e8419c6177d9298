/** The parsed form of a filter query: clauses (ANDed), token errors and the context a match reads. */
import type { Category, Side, VerdictValue } from '../../../../shared/model.ts';

export type CompareOp = '>' | '>=' | '<' | '<=' | '=';
export type VerdictFilterValue = VerdictValue | 'none';
export const STATUS_VALUES = ['ok', 'error', 'pending', 'running', 'skipped'] as const;
export type StatusValue = (typeof STATUS_VALUES)[number];
export const IS_VALUES = ['reviewed', 'unreviewed', 'identical', 'mismatch', 'tagged', 'noted'] as const;
export type IsValue = (typeof IS_VALUES)[number];
export type NumberField = 'diff-ratio' | 'diff-pixels' | 'ssim' | 'psnr' | 'turn' | 'repeat';

export interface ClauseBase {
  negate: boolean;
  /** The token as typed, for display. */
  source: string;
}
export type Clause = ClauseBase &
  (
    | { kind: 'text'; text: string }
    | { kind: 'verdict'; values: VerdictFilterValue[] }
    | { kind: 'tag'; patterns: TagPattern[] }
    | { kind: 'category'; values: Category[] }
    | { kind: 'status'; side: Side | null; values: StatusValue[] }
    | { kind: 'is'; values: IsValue[] }
    | { kind: 'number'; field: NumberField; op: CompareOp; value: number }
    | { kind: 'stage'; side: Side | null; stage: string; op: CompareOp; ms: number }
    | { kind: 'memory'; side: Side | null; op: CompareOp; mb: number }
  );

export type TagPattern = { exact: string } | { prefix: string };

export interface FilterError {
  /** The offending token as typed. */
  token: string;
  /** Character offsets in the query, end exclusive. */
  start: number;
  end: number;
  message: string;
}

export interface ParsedFilter {
  clauses: Clause[];
  errors: FilterError[];
}

export interface MatchContext {
  /** Verdict, tag and reviewed tokens read this reviewer's newest verdict; null = anyone's. */
  reviewer: string | null;
}

export const EMPTY_FILTER: ParsedFilter = { clauses: [], errors: [] };
