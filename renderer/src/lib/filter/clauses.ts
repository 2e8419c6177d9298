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
    /** Text check (issue 11): a backend side, a screen position (blind-safe), or either side. */
    | { kind: 'ocr'; side: SideRef | null; values: OcrValue[] }
    | { kind: 'cer'; side: SideRef | null; op: CompareOp; value: number }
    | { kind: 'lang'; values: TextLang[] }
  );

/** A side named by backend (A, B) or by where it is drawn (left, right: what blind mode allows). */
export type SideRef = Side | 'left' | 'right';
export const OCR_VALUES = ['fail', 'pass', 'read', 'unread'] as const;
export type OcrValue = (typeof OCR_VALUES)[number];
export const LANG_VALUES = ['zh', 'en', 'mixed'] as const;
export type TextLang = (typeof LANG_VALUES)[number];

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
  /** Blind mode: left/right tokens follow the pair's blind swap. */
  blind?: boolean;
}

export interface ParseOptions {
  /** Blind mode: tokens that name a backend side by letter (ocr:a.fail) are refused; left/right work. */
  blind?: boolean;
}

export const EMPTY_FILTER: ParsedFilter = { clauses: [], errors: [] };
