/**
 * The suite *file* as people write it (snake_case, `prompt` shorthand or `turns`, `input` or `inputs`), and the
 * translation of its zod issues into one-line problems with a fix. Leaf rules (id pattern, categories, parameter
 * ranges) are taken from shared/model.ts so the file and the model cannot drift apart.
 */
import { z } from 'zod';
import { CATEGORIES, CategorySchema, GenParamsSchema, MAX_SEED, SuiteCaseSchema } from '../../shared/model.ts';
import { closestMatch } from './suggest.ts';
import { fieldPathOf, type FieldPath } from '../../shared/issue-path.ts';

const nonBlank = z.string().refine((s) => s.trim() !== '', 'must not be empty');

export const FileParamsSchema = z
  .object({
    seed: GenParamsSchema.shape.seed,
    steps: GenParamsSchema.shape.steps,
    true_cfg_scale: GenParamsSchema.shape.trueCfgScale,
    // Checked by checkSize() afterwards: it says how to write a bad size, which a regex message cannot.
    size: z.string().optional(),
  })
  .strict();

export const FileTurnSchema = z
  .object({
    prompt: nonBlank,
    negative_prompt: z.string().optional(),
    expected_text: z.array(z.string()).optional(),
    source_text: z.array(z.string()).optional(),
  })
  .strict();

export const FileCaseSchema = z
  .object({
    id: SuiteCaseSchema.shape.id,
    category: CategorySchema,
    title: z.string().optional(),
    input: nonBlank.optional(),
    inputs: z.array(nonBlank).min(1).optional(),
    prompt: nonBlank.optional(),
    negative_prompt: z.string().optional(),
    expected_text: z.array(z.string()).optional(),
    source_text: z.array(z.string()).optional(),
    turns: z.array(FileTurnSchema).min(1).optional(),
    params: FileParamsSchema.optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

export const FileSuiteSchema = z
  .object({
    name: nonBlank,
    description: z.string().optional(),
    defaults: FileParamsSchema.optional(),
    cases: z.array(FileCaseSchema).min(1),
  })
  .strict();

export type FileParams = z.infer<typeof FileParamsSchema>;
export type FileTurn = z.infer<typeof FileTurnSchema>;
export type FileCase = z.infer<typeof FileCaseSchema>;
export type FileSuite = z.infer<typeof FileSuiteSchema>;

export const SUITE_KEYS = Object.keys(FileSuiteSchema.shape);
export const CASE_KEYS = Object.keys(FileCaseSchema.shape);
export const TURN_KEYS = Object.keys(FileTurnSchema.shape);
export const PARAM_KEYS = Object.keys(FileParamsSchema.shape);

/** A problem before it has a position: the field it concerns, what is wrong, and what to do. */
export interface Problem {
  path: FieldPath;
  problem: string;
  hint: string;
  /** For an unknown key: the allowed key it most likely means. */
  suggestion?: string;
  /**
   * For a problem that says a key is absent: the mapping and the keys meant. Dropped when an unknown key in that
   * mapping is a misspelling of one of them, since the did-you-mean already says it all.
   */
  absent?: { at: FieldPath; keys: readonly string[] };
}

/** Problems without the "missing" ones that a misspelt key beside them already explains. */
export function withoutExplainedAbsences(problems: readonly Problem[]): Problem[] {
  const misspelled = new Set(
    problems.filter((p) => p.suggestion !== undefined).map((p) => JSON.stringify([...p.path.slice(0, -1), p.suggestion])),
  );
  return problems.filter((p) => {
    const absent = p.absent;
    return absent === undefined || !absent.keys.some((key) => misspelled.has(JSON.stringify([...absent.at, key])));
  });
}

/** Text for a value in a one-line message: quoted, control characters escaped, long values shortened. */
export function quote(value: string, max = 60): string {
  const short = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return JSON.stringify(short);
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
};

function valueAt(root: unknown, path: FieldPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The keys allowed in the mapping at `path` (by its shape in the file), for did-you-mean. */
export function allowedKeysAt(path: FieldPath): readonly string[] {
  const names = path.filter((s): s is string => typeof s === 'string');
  const last = names[names.length - 1];
  if (path.length === 0) return SUITE_KEYS;
  if (last === 'defaults' || last === 'params') return PARAM_KEYS;
  if (last === 'turns') return TURN_KEYS;
  if (last === 'cases') return CASE_KEYS;
  return [];
}

/** Where a key that is unknown at `path` does belong, when it belongs somewhere else. */
function misplacedKeyHint(key: string, path: FieldPath): string | undefined {
  const allowed = allowedKeysAt(path);
  if (allowed === CASE_KEYS && PARAM_KEYS.includes(key)) return `${key} belongs under params: of the case.`;
  if (allowed === SUITE_KEYS && PARAM_KEYS.includes(key)) return `${key} belongs under defaults: (it applies to every case).`;
  if (allowed === SUITE_KEYS && CASE_KEYS.includes(key)) return `${key} belongs to a case: indent it under one of cases:.`;
  if (allowed === TURN_KEYS && CASE_KEYS.includes(key)) return `${key} belongs to the case, not to one of its turns.`;
  if (allowed === PARAM_KEYS && key === 'negative_prompt') return 'negative_prompt belongs to the case (or to each turn), not to params.';
  return undefined;
}

function missingHint(key: string | number | undefined): string {
  switch (key) {
    case 'name':
      return 'Add name: <a short name for the suite>.';
    case 'cases':
      return 'Add cases: with at least one case.';
    case 'id':
      return 'Add id: <a unique id such as en-sign-coffee>.';
    case 'category':
      return `Add category: <one of ${CATEGORIES.join(', ')}>.`;
    case 'prompt':
      return 'Each turn needs prompt: <the instruction>.';
    default:
      return `Add ${String(key)}: <value>.`;
  }
}

function wrongTypeHint(key: string | number | undefined, value: unknown): string {
  if (value === null) return 'Give it a value or remove the key.';
  if (key === 'input' && Array.isArray(value)) return 'For several images write inputs: [a.png, b.png].';
  if (key === 'inputs' && typeof value === 'string') return `For one image write input: ${value}, or inputs: [${value}].`;
  if ((key === 'expected_text' || key === 'source_text' || key === 'tags') && typeof value === 'string') return `Write a list: ${key}: [${value}].`;
  if (key === 'turns' && typeof value === 'string') return 'turns: is a list of {prompt: …}; for a single prompt write prompt: instead.';
  return 'See docs/suite-format.md for the fields and their types.';
}

type Issue = z.ZodError['issues'][number];

/**
 * Zod issues of FileSuiteSchema → problems with a fix (unknown keys give one problem per key). A required key
 * reported missing is dropped when an unknown key beside it is its misspelling: one typo, one message.
 */
export function problemsFromIssues(issues: readonly Issue[], raw: unknown): Problem[] {
  return withoutExplainedAbsences(issues.flatMap((issue) => problemsFromIssue(issue, raw)));
}

/** One zod issue of FileSuiteSchema → problems with a fix (unknown keys give one problem per key). */
export function problemsFromIssue(issue: Issue, raw: unknown): Problem[] {
  const path = fieldPathOf(issue.path);
  const key = path[path.length - 1];
  const value = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((unknownKey) => {
        const allowed = allowedKeysAt(path);
        const suggestion = closestMatch(unknownKey, allowed);
        const where = misplacedKeyHint(unknownKey, path);
        const hint = where ?? (suggestion ? `Did you mean ${suggestion}?` : `Allowed here: ${allowed.join(', ')}.`);
        const problem: Problem = { path: [...path, unknownKey], problem: `unknown key ${quote(unknownKey)}`, hint };
        if (suggestion !== undefined) problem.suggestion = suggestion;
        return problem;
      });
    case 'invalid_type': {
      if (value === undefined) {
        return [{ path, problem: 'missing', hint: missingHint(key), absent: { at: path.slice(0, -1), keys: [String(key)] } }];
      }
      if (issue.expected === 'int' && typeof value === 'number') {
        return [{ path, problem: `must be a whole number (got ${value})`, hint: 'Remove the fraction.' }];
      }
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return [{ path, problem: `expected ${expected}, got ${describeValue(value)}`, hint: wrongTypeHint(key, value) }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const got = typeof value === 'string' ? quote(value) : describeValue(value);
      const suggestion = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
      return [
        {
          path,
          problem: `${got} is not one of ${allowed.join(', ')}`,
          hint: suggestion ? `Did you mean ${suggestion}?` : `Pick one of ${allowed.join(', ')}.`,
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'array') {
        const what = key === 'turns' ? 'turn' : key === 'cases' ? 'case' : key === 'inputs' ? 'image' : 'item';
        return [{ path, problem: small ? `must list at least ${bound} ${what}` : `must list at most ${bound} items`, hint: small ? `Add a ${what} or remove the key.` : 'Remove some items.' }];
      }
      if (issue.origin === 'string') return [{ path, problem: 'must not be empty', hint: 'Give it a value or remove the key.' }];
      const relation = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
      return [{ path, problem: `must be ${relation} ${bound} (got ${typeof value === 'number' ? value : describeValue(value)})`, hint: rangeHint(key) }];
    }
    case 'invalid_format':
      return [{ path, problem: `${typeof value === 'string' ? quote(value) : describeValue(value)} ${issue.message}`, hint: formatHint(key) }];
    default:
      return [{ path, problem: issue.message, hint: 'See docs/suite-format.md.' }];
  }
}

function rangeHint(key: string | number | undefined): string {
  switch (key) {
    case 'seed':
      return `Seeds are whole numbers from 0 to ${MAX_SEED}.`;
    case 'steps':
      return 'Steps are 1 to 200 (Qwen-Image-Edit uses 50 by default; 20–30 is a quick review).';
    case 'true_cfg_scale':
      return 'true_cfg_scale is 0 to 20 (4.0 is the Qwen-Image default).';
    default:
      return 'See docs/suite-format.md for the allowed range.';
  }
}

function formatHint(key: string | number | undefined): string {
  if (key === 'id') return 'Use letters, digits, ".", "_" and "-" only, e.g. en-sign-coffee.';
  return 'See docs/suite-format.md.';
}
