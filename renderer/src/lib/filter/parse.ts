/**
 * Parsing a filter query into clauses: each token is a key:value, a comparison (`diff>0.5%`, `stage:A.denoise>2s`)
 * or free text. A bad token becomes a FilterError with its position and a sentence saying how to fix it.
 */
import { CATEGORIES, TAGS, VERDICTS, type Category, type Side } from '../../../../shared/model.ts';
import { IS_VALUES, LANG_VALUES, OCR_VALUES, STATUS_VALUES, type OcrValue, type ParseOptions, type SideRef, type TextLang, type Clause, type ClauseBase, type CompareOp, type FilterError, type IsValue, type ParsedFilter, type StatusValue, type TagPattern, type VerdictFilterValue } from './clauses.ts';
import { suggest } from './suggest.ts';
import { tokenize, unquote } from './tokens.ts';

const KEY_VALUE_KEYS = ['v', 'verdict', 'tag', 'cat', 'category', 'status', 'is', 'stage', 'mem', 'ocr', 'lang', 'cer'] as const;
const COMPARE_KEYS = ['diff', 'ssim', 'psnr', 'turn', 'repeat', 'stage', 'e2e', 'mem', 'cer'] as const;
const KNOWN_KEYS = [...new Set<string>([...KEY_VALUE_KEYS, ...COMPARE_KEYS])];

const HELP = 'use v:, tag:, cat:, status:, is:, ocr:fail, lang:zh, cer>…, diff>…%, ssim<…, psnr>…, stage:NAME>…s, e2e>…s, mem>…GB, turn=…; quote text to search it literally';

class TokenError extends Error {}

function fail(message: string): never {
  throw new TokenError(message);
}

/** `stage:A.denoise>2s` → key stage, arg A.denoise, op >, value 2s. The arg may not hold an operator. */
const COMPARISON = /^([A-Za-z][A-Za-z0-9_]*)(?::([^<>=]*))?(>=|<=|>|<|=)(.*)$/;
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_]*):(.*)$/;

export function parseFilter(input: string, options: ParseOptions = {}): ParsedFilter {
  const clauses: Clause[] = [];
  const errors: FilterError[] = [];
  for (const token of tokenize(input)) {
    try {
      const clause = parseToken(token.raw);
      if (clause && options.blind) refuseBackendSide(clause);
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
    if (!(KEY_VALUE_KEYS as readonly string[]).includes(key) || key === 'stage' || key === 'mem' || key === 'cer') {
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
    case 'ocr': {
      let side: SideRef | null = null;
      const values = parts.map((p) => {
        const { side: s, rest } = splitSideRef(p);
        if (s !== null) {
          if (side !== null && side !== s) fail('one side per ocr token: ocr:left.fail ocr:right.fail');
          side = s;
        }
        const v = rest.toLowerCase();
        if (!(OCR_VALUES as readonly string[]).includes(v)) {
          fail(`unknown text-check value "${rest}"${suggest(v, OCR_VALUES)} (${OCR_VALUES.join(', ')}; a./b. or left./right. picks one side)`);
        }
        return v as OcrValue;
      });
      return { kind: 'ocr', side, values };
    }
    case 'lang':
      return {
        kind: 'lang',
        values: parts.map((p) => {
          const v = p.toLowerCase();
          if (!(LANG_VALUES as readonly string[]).includes(v)) fail(`unknown language "${p}"${suggest(v, LANG_VALUES)} (${LANG_VALUES.join(', ')}: of the expected text)`);
          return v as TextLang;
        }),
      };
    default:
      return fail(`unknown filter "${key}:"; ${HELP}`);
  }
}

/** `a.fail`, `B.fail`, `left.fail`, `right.pass` → the side and the rest. */
function splitSideRef(value: string): { side: SideRef | null; rest: string } {
  const m = /^(a|b|left|right)\.(.+)$/i.exec(value);
  if (!m) return { side: null, rest: value };
  const s = m[1]!.toLowerCase();
  return { side: s === 'a' ? 'A' : s === 'b' ? 'B' : (s as 'left' | 'right'), rest: m[2]! };
}

/** In blind mode a token must not name a backend by letter: that would tell which side is which. */
function refuseBackendSide(clause: Clause): void {
  if ((clause.kind === 'ocr' || clause.kind === 'cer') && (clause.side === 'A' || clause.side === 'B')) {
    fail(`blind mode hides which side is ${clause.side}: name the side by where it is drawn (ocr:left.fail, ocr:right.fail, cer:left>0.1)`);
  }
}

function parseComparison(key: string, arg: string | null, op: CompareOp, value: string): ClauseBody {
  switch (key) {
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
    case 'cer': {
      let side: SideRef | null = null;
      if (arg !== null) {
        const s = arg.trim().toLowerCase();
        if (!['a', 'b', 'left', 'right'].includes(s)) fail('cer:A, cer:B, cer:left or cer:right picks a side, e.g. cer:left>0.1');
        side = s === 'a' ? 'A' : s === 'b' ? 'B' : (s as 'left' | 'right');
      }
      const n = parseNumber(value.replace(/\s*%$/, ''), 'cer>0.1');
      // "cer>10%" reads as a share, like the diff token.
      return { kind: 'cer', side, op, value: /%\s*$/.test(value) ? n / 100 : n };
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
    case 'ocr':
      return 'ocr:fail or ocr:left.fail';
    case 'lang':
      return 'lang:zh';
    case 'cer':
      return 'cer>0.1';
    default:
      return `${key}>1`;
  }
}
