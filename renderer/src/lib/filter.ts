/**
 * The pair filter: a token query in the style of Playwright's report filter (`s:failed @tag text`), parsed
 * into clauses that all must hold (AND). A comma inside one token's value ORs: `v:A_better,tie`.
 *
 *   v:A_better  verdict:none      newest verdict of the current reviewer (`none` = not reviewed)
 *   tag:text.missing  tag:text    taxonomy tags of that verdict or the suite case's own tags; `tag:text`
 *                                 and `tag:text.*` match the whole family
 *   cat:text-rendering  cat:text  suite category (a unique prefix is enough)
 *   status:error  status:A.error  pair status (error on either side wins), or one side's job status
 *   is:reviewed is:unreviewed is:identical is:mismatch is:tagged is:noted
 *   diff>0.5%  diff>1000px        A↔B changed pixels as a share or a count
 *   ssim<0.9  psnr>30  turn>1  repeat=2
 *   stage:denoise>20s  stage:A.denoise>2s  stage:e2e>5s  e2e>5s   (units ms, s, m; either side unless A./B.)
 *   mem>40GB  mem:B>50000MB       peak memory (bare numbers are MB)
 *   -tag:text.missing  !status:error                       negation
 *   free text, "quoted phrase"    case-insensitive match on key, case id, title, prompt, expected text
 *
 * Bad tokens are reported with their position and a sentence saying how to fix them, and are left out of
 * the match, so a half-typed query never empties the list.
 */
import type { PairView } from '../../../shared/contract.ts';
import { CATEGORIES, TAGS, VERDICTS, type Category, type Side, type VerdictValue } from '../../../shared/model.ts';
import { latestVerdict, pairStatus } from './pair-utils.ts';

export type CompareOp = '>' | '>=' | '<' | '<=' | '=';
export type VerdictFilterValue = VerdictValue | 'none';
export const STATUS_VALUES = ['ok', 'error', 'pending', 'running', 'skipped'] as const;
export type StatusValue = (typeof STATUS_VALUES)[number];
export const IS_VALUES = ['reviewed', 'unreviewed', 'identical', 'mismatch', 'tagged', 'noted'] as const;
export type IsValue = (typeof IS_VALUES)[number];
export type NumberField = 'diff-ratio' | 'diff-pixels' | 'ssim' | 'psnr' | 'turn' | 'repeat';

interface ClauseBase {
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

// ---------------------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------------------

interface Token {
  raw: string;
  start: number;
  end: number;
}

/** Split on whitespace, keeping double-quoted runs ("grand opening", tag:"a b") inside one token. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i]!)) i++;
    if (i >= input.length) break;
    const start = i;
    let quoted = false;
    while (i < input.length && (quoted || !/\s/.test(input[i]!))) {
      if (input[i] === '"') quoted = !quoted;
      i++;
    }
    tokens.push({ raw: input.slice(start, i), start, end: i });
  }
  return tokens;
}

function unquote(s: string): string {
  return s.replace(/"/g, '');
}

// ---------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------

const KEY_VALUE_KEYS = ['v', 'verdict', 'tag', 'cat', 'category', 'status', 'is', 'stage', 'mem'] as const;
const COMPARE_KEYS = ['diff', 'ssim', 'psnr', 'turn', 'repeat', 'stage', 'e2e', 'mem', 'ocr'] as const;
const KNOWN_KEYS = [...new Set<string>([...KEY_VALUE_KEYS, ...COMPARE_KEYS])];

const HELP = 'use v:, tag:, cat:, status:, is:, diff>…%, ssim<…, psnr>…, stage:NAME>…s, e2e>…s, mem>…GB, turn=…; quote text to search it literally';

class TokenError extends Error {}

function fail(message: string): never {
  throw new TokenError(message);
}

/** `stage:A.denoise>2s` → key stage, arg A.denoise, op >, value 2s. The arg may not hold an operator. */
const COMPARISON = /^([A-Za-z][A-Za-z0-9_]*)(?::([^<>=]*))?(>=|<=|>|<|=)(.*)$/;
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_]*):(.*)$/;

export function parseFilter(input: string): ParsedFilter {
  const clauses: Clause[] = [];
  const errors: FilterError[] = [];
  for (const token of tokenize(input)) {
    try {
      const clause = parseToken(token.raw);
      if (clause) clauses.push(clause);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      errors.push({ token: token.raw, start: token.start, end: token.end, message: `${token.raw}: ${error.message}` });
    }
  }
  return { clauses, errors };
}

function parseToken(raw: string): Clause | null {
  let body = raw;
  let negate = false;
  if ((body.startsWith('-') || body.startsWith('!')) && body.length > 1) {
    negate = true;
    body = body.slice(1);
  }
  const base = { negate, source: raw };
  if (body.startsWith('"')) {
    const text = unquote(body).trim();
    return text ? { ...base, kind: 'text', text: text.toLowerCase() } : null;
  }

  const cmp = COMPARISON.exec(body);
  if (cmp) {
    const key = cmp[1]!.toLowerCase();
    const arg = cmp[2];
    const op = cmp[3] as CompareOp;
    const value = unquote(cmp[4]!).trim();
    if (!(COMPARE_KEYS as readonly string[]).includes(key)) fail(`unknown field "${cmp[1]}"${suggest(key, KNOWN_KEYS)}; ${HELP}`);
    if (value === '') fail(`missing a value after "${op}", e.g. ${example(key)}`);
    return { ...base, ...parseComparison(key, arg === undefined ? null : unquote(arg), op, value) };
  }

  const kv = KEY_VALUE.exec(body);
  if (kv) {
    const key = kv[1]!.toLowerCase();
    const value = unquote(kv[2]!).trim();
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) fail(`unknown filter "${kv[1]}:"${suggest(key, KNOWN_KEYS)}; ${HELP}`);
    if (!(KEY_VALUE_KEYS as readonly string[]).includes(key) || key === 'stage' || key === 'mem') {
      fail(`needs a comparison, e.g. ${example(key)}`);
    }
    if (value === '') fail(`missing a value, e.g. ${example(key)}`);
    return { ...base, ...parseKeyValue(key, value) };
  }

  const text = unquote(body).trim().toLowerCase();
  return text ? { ...base, kind: 'text', text } : null;
}

type ClauseBody = Clause extends infer C ? (C extends ClauseBase ? Omit<C, 'negate' | 'source'> : never) : never;

function parseKeyValue(key: string, value: string): ClauseBody {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) fail(`missing a value, e.g. ${example(key)}`);
  switch (key) {
    case 'v':
    case 'verdict':
      return { kind: 'verdict', values: parts.map(parseVerdictValue) };
    case 'tag':
      return { kind: 'tag', patterns: parts.map(parseTagPattern) };
    case 'cat':
    case 'category':
      return { kind: 'category', values: parts.map(parseCategory) };
    case 'status': {
      let side: Side | null = null;
      const values = parts.map((p) => {
        const { side: s, rest } = splitSide(p);
        if (s !== null) {
          if (side !== null && side !== s) fail('one side per status token: status:A.error status:B.error');
          side = s;
        }
        const v = rest.toLowerCase();
        if (!(STATUS_VALUES as readonly string[]).includes(v)) {
          fail(`unknown status "${rest}"${suggest(v, STATUS_VALUES)} (${STATUS_VALUES.join(', ')}; A./B. picks one side)`);
        }
        return v as StatusValue;
      });
      return { kind: 'status', side, values };
    }
    case 'is': {
      const values = parts.map((p) => {
        const v = p.toLowerCase();
        if (!(IS_VALUES as readonly string[]).includes(v)) fail(`unknown "is:" value "${p}"${suggest(v, IS_VALUES)} (${IS_VALUES.join(', ')})`);
        return v as IsValue;
      });
      return { kind: 'is', values };
    }
    default:
      return fail(`unknown filter "${key}:"; ${HELP}`);
  }
}

function parseComparison(key: string, arg: string | null, op: CompareOp, value: string): ClauseBody {
  switch (key) {
    case 'ocr':
      return fail('OCR scores are not part of the pair data yet; filter on diff, ssim or tags instead');
    case 'diff': {
      if (arg !== null) fail('diff takes no name, e.g. diff>0.5%');
      const m = /^(\d+(?:\.\d+)?)\s*(%|px)?$/i.exec(value);
      if (!m) fail('diff is a share of pixels or a pixel count, e.g. diff>0.5% or diff>1000px');
      const n = Number(m[1]);
      if (!m[2]) fail(`add a unit: diff${op}${m[1]}% (share of pixels) or diff${op}${m[1]}px (pixel count)`);
      if (m[2] === '%') {
        if (n > 100) fail('a share of pixels is at most 100%');
        return { kind: 'number', field: 'diff-ratio', op, value: n / 100 };
      }
      return { kind: 'number', field: 'diff-pixels', op, value: n };
    }
    case 'ssim': {
      if (arg !== null) fail('ssim takes no name, e.g. ssim<0.9');
      const n = parseNumber(value, 'ssim<0.9');
      if (n > 1 || n < -1) fail(`SSIM lies between 0 and 1, e.g. ssim${op}0.9`);
      return { kind: 'number', field: 'ssim', op, value: n };
    }
    case 'psnr': {
      if (arg !== null) fail('psnr takes no name, e.g. psnr>30');
      return { kind: 'number', field: 'psnr', op, value: parseNumber(value.replace(/\s*db$/i, ''), 'psnr>30 (dB)') };
    }
    case 'turn':
    case 'repeat': {
      if (arg !== null) fail(`${key} takes no name, e.g. ${key}>1`);
      const n = parseNumber(value, `${key}>1`);
      if (!Number.isInteger(n)) fail(`${key} is a whole number, e.g. ${key}=2`);
      return { kind: 'number', field: key, op, value: n };
    }
    case 'e2e':
      if (arg !== null) fail('e2e takes no name; for one side use stage:A.e2e>5s');
      return { kind: 'stage', side: null, stage: 'e2e', op, ms: parseDuration(value, 'e2e') };
    case 'stage': {
      if (arg === null || arg.trim() === '') fail('name the stage, e.g. stage:denoise>20s or stage:A.denoise>2s');
      const { side, rest } = splitSide(arg.trim());
      if (!/^[A-Za-z0-9_.-]+$/.test(rest)) fail(`"${rest}" is not a stage name (e.g. denoise, text_encode, vae_decode, e2e)`);
      return { kind: 'stage', side, stage: rest, op, ms: parseDuration(value, `stage:${arg}`) };
    }
    case 'mem': {
      let side: Side | null = null;
      if (arg !== null) {
        const s = arg.trim().toUpperCase();
        if (s !== 'A' && s !== 'B') fail('mem:A or mem:B picks a side, e.g. mem:B>50GB');
        side = s;
      }
      const m = /^(\d+(?:\.\d+)?)\s*(mb|gb)?$/i.exec(value);
      if (!m) fail('peak memory is a number in MB or GB, e.g. mem>40GB or mem>40000');
      const n = Number(m[1]);
      return { kind: 'memory', side, op, mb: m[2]?.toLowerCase() === 'gb' ? n * 1024 : n };
    }
    default:
      return fail(`unknown field "${key}"; ${HELP}`);
  }
}

function parseNumber(value: string, exampleText: string): number {
  if (!/^-?\d+(?:\.\d+)?$/.test(value)) fail(`"${value}" is not a number, e.g. ${exampleText}`);
  return Number(value);
}

/** "20s" → 20000, "200ms" → 200, "1.5m" → 90000. A bare number is refused: ms or s is a 1000× question. */
export function parseDuration(value: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/i.exec(value);
  if (!m) fail(`"${value}" is not a duration, e.g. ${what}>20s or ${what}>200ms`);
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (!unit) fail(`add a unit: ${what}>${m[1]}s or ${what}>${m[1]}ms`);
  if (unit === 'ms') return n;
  if (unit === 's') return n * 1000;
  return n * 60_000;
}

function splitSide(value: string): { side: Side | null; rest: string } {
  const m = /^([AaBb])\.(.+)$/.exec(value);
  if (!m) return { side: null, rest: value };
  return { side: m[1]!.toUpperCase() as Side, rest: m[2]! };
}

function parseVerdictValue(value: string): VerdictFilterValue {
  const norm = value.toLowerCase().replace(/-/g, '_');
  if (norm === 'none') return 'none';
  const hit = VERDICTS.find((v) => v.toLowerCase() === norm);
  if (hit) return hit;
  const options = [...VERDICTS, 'none'];
  return fail(`unknown verdict "${value}"${suggest(norm, options.map((o) => o.toLowerCase()), options)} (${options.join(', ')})`);
}

const TAXONOMY_FAMILIES = ['text', 'edit', 'style', 'multi_turn', 'artifact'] as const;

function parseTagPattern(value: string): TagPattern {
  const v = value.toLowerCase();
  const family = TAXONOMY_FAMILIES.find((f) => v === f || v.startsWith(`${f}.`));
  if (!family) return { exact: v };
  if (v === family || v === `${family}.*` || v === `${family}.`) return { prefix: `${family}.` };
  if ((TAGS as readonly string[]).includes(v)) return { exact: v };
  // artifact.* is open-ended in the taxonomy; anything of the right shape is a real tag.
  if (family === 'artifact' && /^artifact\.[a-z_]+$/.test(v)) return { exact: v };
  return fail(`"${value}" is not in the tag taxonomy${suggest(v, TAGS)}; tag:${family} matches the whole family`);
}

function parseCategory(value: string): Category {
  const v = value.toLowerCase();
  const exact = CATEGORIES.find((c) => c === v);
  if (exact) return exact;
  const prefixed = CATEGORIES.filter((c) => c.startsWith(v));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) fail(`"${value}" could be ${prefixed.join(' or ')}; type more of it`);
  return fail(`unknown category "${value}"${suggest(v, CATEGORIES)} (${CATEGORIES.join(', ')})`);
}

function example(key: string): string {
  switch (key) {
    case 'v':
    case 'verdict':
      return 'v:A_better';
    case 'tag':
      return 'tag:text.missing';
    case 'cat':
    case 'category':
      return 'cat:text-rendering';
    case 'status':
      return 'status:error';
    case 'is':
      return 'is:unreviewed';
    case 'stage':
      return 'stage:denoise>20s';
    case 'mem':
      return 'mem>40GB';
    case 'diff':
      return 'diff>0.5%';
    case 'ssim':
      return 'ssim<0.9';
    case 'psnr':
      return 'psnr>30';
    case 'e2e':
      return 'e2e>5s';
    default:
      return `${key}>1`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------------------------------------

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** "; did you mean X?" when one candidate is close (at most a third of the word off), else "". */
function suggest(input: string, candidates: readonly string[], display: readonly string[] = candidates): string {
  let best = -1;
  let bestDistance = Infinity;
  candidates.forEach((c, i) => {
    const d = levenshtein(input, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  if (best < 0 || bestDistance > Math.max(1, Math.floor(input.length / 3))) return '';
  return `; did you mean ${display[best]}?`;
}

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

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
      const tags = v ? [...v.tags, ...pair.tags] : pair.tags;
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
            return (v?.tags.length ?? 0) > 0;
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

/** True when the query holds `token` as a whole token (bucket chips show themselves active with it). */
export function hasToken(query: string, token: string): boolean {
  return tokenize(query).some((t) => t.raw === token);
}

/**
 * Toggle a bucket's token in the query. Buckets of one group are exclusive (two verdict buckets ANDed would
 * match nothing), so adding one removes the others of its group; every other token the user typed stays.
 */
export function toggleToken(query: string, token: string, exclusiveWith: readonly string[]): string {
  const tokens = tokenize(query).map((t) => t.raw);
  const present = tokens.includes(token);
  const kept = tokens.filter((t) => t !== token && !exclusiveWith.includes(t));
  if (!present) kept.push(token);
  return kept.join(' ');
}
