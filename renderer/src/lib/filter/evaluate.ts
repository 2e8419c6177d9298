/** Evaluating parsed clauses against a pair (all must hold; a negated clause must not). */
import type { PairView } from '../../../../shared/contract.ts';
import type { Side } from '../../../../shared/model.ts';
import { allTagsOf } from '../../../../shared/model.ts';
import { expectedTextOf } from '../../../../shared/ocr-read.ts';
import { detectLanguage } from '../../../../shared/text-metrics.ts';
import { placement } from '../blind.ts';
import { latestVerdict, pairStatus } from '../pair-utils.ts';
import type { Clause, CompareOp, MatchContext, OcrValue, ParsedFilter, SideRef, StatusValue, TagPattern } from './clauses.ts';

const languages = new WeakMap<PairView, string>();

/** Language of the pair's expected text ('' when it has none). */
function languageOf(pair: PairView): string {
  let lang = languages.get(pair);
  if (lang === undefined) {
    const expected = expectedTextOf(pair.expectedText);
    lang = expected === '' ? '' : detectLanguage(expected);
    languages.set(pair, lang);
  }
  return lang;
}

function sidesOf(pair: PairView, ref: SideRef | null, ctx: MatchContext): Side[] {
  if (ref === null) return ['A', 'B'];
  if (ref === 'A' || ref === 'B') return [ref];
  return [placement(pair, ctx.blind === true)[ref]];
}

function ocrMatches(pair: PairView, side: Side, value: OcrValue): boolean {
  const text = pair[side].text;
  switch (value) {
    case 'fail':
      return text?.pass === false;
    case 'pass':
      return text?.pass === true;
    case 'read':
      return text != null;
    case 'unread':
      return text == null && pair.expectedText.length > 0;
  }
}

const haystacks = new WeakMap<PairView, string>();

function haystack(pair: PairView): string {
  let h = haystacks.get(pair);
  if (h === undefined) {
    h = [pair.key, pair.caseId, pair.title ?? '', pair.prompt, ...pair.expectedText].join('\n').toLowerCase();
    haystacks.set(pair, h);
  }
  return h;
}

function compare(actual: number | null | undefined, op: CompareOp, expected: number): boolean {
  if (actual === null || actual === undefined || !Number.isFinite(actual)) return false;
  switch (op) {
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '=':
      return Math.abs(actual - expected) < 1e-9;
  }
}

function stageMs(pair: PairView, side: Side, stage: string): number | null {
  const s = pair[side];
  if (stage === 'e2e') return s.e2eMs;
  return s.stages[stage] ?? null;
}

function tagMatches(pattern: TagPattern, tags: readonly string[]): boolean {
  if ('exact' in pattern) return tags.some((t) => t.toLowerCase() === pattern.exact);
  return tags.some((t) => t.toLowerCase().startsWith(pattern.prefix));
}

function statusMatches(pair: PairView, side: Side | null, value: StatusValue): boolean {
  if (side !== null) return pair[side].status === value;
  switch (value) {
    case 'running':
      return pair.A.status === 'running' || pair.B.status === 'running';
    default:
      return pairStatus(pair) === value;
  }
}

function clauseMatches(pair: PairView, clause: Clause, ctx: MatchContext): boolean {
  switch (clause.kind) {
    case 'text':
      return haystack(pair).includes(clause.text);
    case 'verdict': {
      const v = latestVerdict(pair, ctx.reviewer);
      return clause.values.some((value) => (value === 'none' ? v === null : v?.verdict === value));
    }
    case 'tag': {
      const v = latestVerdict(pair, ctx.reviewer);
      const tags = v ? [...allTagsOf(v), ...pair.tags] : pair.tags;
      return clause.patterns.some((p) => tagMatches(p, tags));
    }
    case 'category':
      return clause.values.includes(pair.category);
    case 'status':
      return clause.values.some((value) => statusMatches(pair, clause.side, value));
    case 'is':
      return clause.values.some((value) => {
        const v = latestVerdict(pair, ctx.reviewer);
        switch (value) {
          case 'reviewed':
            return v !== null;
          case 'unreviewed':
            return v === null;
          case 'identical':
            return pair.diff?.identical === true;
          case 'mismatch':
            return pair.diff?.sizeMismatch != null;
          case 'tagged':
            return v !== null && allTagsOf(v).length > 0;
          case 'noted':
            return (v?.note.trim().length ?? 0) > 0;
        }
      });
    case 'number': {
      switch (clause.field) {
        case 'diff-ratio':
          return compare(pair.diff?.ratio, clause.op, clause.value);
        case 'diff-pixels':
          return compare(pair.diff?.pixels, clause.op, clause.value);
        case 'ssim':
          return compare(pair.diff?.ssim, clause.op, clause.value);
        case 'psnr':
          return compare(pair.diff?.psnr, clause.op, clause.value);
        case 'turn':
          return compare(pair.turn, clause.op, clause.value);
        case 'repeat':
          return compare(pair.repeat, clause.op, clause.value);
      }
      return false;
    }
    case 'stage': {
      const sides: Side[] = clause.side ? [clause.side] : ['A', 'B'];
      return sides.some((s) => compare(stageMs(pair, s, clause.stage), clause.op, clause.ms));
    }
    case 'memory': {
      const sides: Side[] = clause.side ? [clause.side] : ['A', 'B'];
      return sides.some((s) => compare(pair[s].peakMemoryMb, clause.op, clause.mb));
    }
    case 'ocr':
      return sidesOf(pair, clause.side, ctx).some((s) => clause.values.some((value) => ocrMatches(pair, s, value)));
    case 'cer':
      return sidesOf(pair, clause.side, ctx).some((s) => compare(pair[s].text?.cer, clause.op, clause.value));
    case 'lang':
      return (clause.values as string[]).includes(languageOf(pair));
  }
}

export function matchesFilter(pair: PairView, clauses: readonly Clause[], ctx: MatchContext): boolean {
  for (const clause of clauses) {
    if (clauseMatches(pair, clause, ctx) === clause.negate) return false;
  }
  return true;
}

export function filterPairs(pairs: readonly PairView[], filter: ParsedFilter, ctx: MatchContext): PairView[] {
  if (filter.clauses.length === 0) return pairs.slice();
  return pairs.filter((p) => matchesFilter(p, filter.clauses, ctx));
}
