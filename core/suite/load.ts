/**
 * Suite loader: YAML file → the shared `Suite` model (camelCase, inputs as absolute paths, expected text filled
 * in), with every input image checked. Anything wrong becomes a SuiteError whose one-line message names the file,
 * line, column and field and says what to do, because a suite is hand-written and the CLI shows only that line.
 *
 * Problems are collected rather than thrown at the first one, so a user fixing a suite sees all of them at once
 * (SuiteError.errors); the message describes the first in file order.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isScalar, parseDocument } from 'yaml';
import { CATEGORIES, SuiteSchema, type Category, type Suite } from '../../shared/model.ts';
import { quotedSpans } from '../../shared/expected-text.ts';
import { fieldPathOf, type FieldPath } from '../../shared/issue-path.ts';
import { buildSuite, fileFieldPath } from './build-suite.ts';
import { FileSuiteSchema, problemsFromIssues, quote, withoutExplainedAbsences, type Problem } from './file-schema.ts';
import { checkInputImage, type InputCheck, type InputImageInfo } from './inputs.ts';
import { checkSize } from './size.ts';
import { SuiteError, makeIssue, type SuiteIssue } from './suite-error.ts';
import { YamlLocator } from './yaml-locate.ts';
import { aliasProblem, problemsToIssues, syntaxProblem, type LocatedProblem } from './yaml-problems.ts';

export { SuiteError, type SuiteIssue } from './suite-error.ts';
export type { InputImageInfo } from './inputs.ts';

export interface LoadedSuite {
  suite: Suite;
  /** Absolute path of the suite file (loadSuiteFile), or the fileName given to parseSuiteText. */
  file: string;
  /** Absolute directory that input paths were resolved against. */
  baseDir: string;
  /** Every input image of the suite, keyed by absolute path (the same strings as in suite.cases[].inputs). */
  inputs: Map<string, InputImageInfo>;
}

export interface ParseSuiteOptions {
  /** How to name the file in messages, e.g. "fixtures/suites/demo.yaml" as the user typed it. */
  fileName: string;
  /** Directory that relative input paths are resolved against (normally the suite file's directory). */
  baseDir: string;
  /**
   * For suites from a caller that is not the shell's own user input (the UI's RPC): "did you mean" and "which
   * does not exist" only for folders inside these, so a check never lists other folders' files.
   */
  suggestWithin?: readonly string[];
}

/** Categories that edit an input image; `generation` is text-to-image and takes none. */
const EDIT_CATEGORIES: ReadonlySet<Category> = new Set(['text-rendering', 'style-transfer', 'multi-turn', 'edit']);
/**
 * The largest suite file we read, checked before parsing (docs/suite-format.md). A suite of a few thousand cases
 * stays far below it; a 50 MB file took 78 s and 3 GB to parse (issue 9).
 */
export const MAX_SUITE_BYTES = 1024 * 1024;

function tooLargeIssue(file: string, bytes: number): SuiteIssue {
  return makeIssue({
    file,
    line: null,
    column: null,
    field: '',
    problem: `the suite file is ${(bytes / 1024 / 1024).toFixed(1)} MB, larger than the ${MAX_SUITE_BYTES / 1024 / 1024} MB limit; it was not read`,
    hint: 'Split it into several suites (see docs/suite-format.md).',
  });
}

/** How many input images are checked at once (each check opens a file). */
const INPUT_CHECK_CONCURRENCY = 8;

/** Read and load a suite file. `file` is shown in messages as given (relative paths stay relative). */
export async function loadSuiteFile(file: string): Promise<LoadedSuite> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    const info = await stat(absolute);
    if (info.isFile() && info.size > MAX_SUITE_BYTES) throw new SuiteError([tooLargeIssue(file, info.size)]);
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof SuiteError) throw error;
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const [problem, hint] =
      code === 'ENOENT'
        ? [`suite file not found (looked for ${absolute})`, 'Check the path; it is relative to the current directory.']
        : code === 'EISDIR'
          ? [`is a directory, not a suite file (${absolute})`, 'Pass a .yaml suite file, e.g. fixtures/suites/demo.yaml.']
          : code === 'EACCES' || code === 'EPERM'
            ? [`cannot read the suite file: permission denied (${absolute})`, 'Make the file readable.']
            : [`cannot read the suite file: ${code || String(error)} (${absolute})`, 'Check the path and try again.'];
    throw new SuiteError([makeIssue({ file, line: null, column: null, field: '', problem, hint })]);
  }
  const loaded = await parseSuiteText(text, { fileName: file, baseDir: path.dirname(absolute) });
  return { ...loaded, file: absolute };
}

/** Parse suite YAML text. Relative inputs resolve against `options.baseDir`; messages name `options.fileName`. */
export async function parseSuiteText(text: string, options: ParseSuiteOptions): Promise<LoadedSuite> {
  const baseDir = path.resolve(options.baseDir);
  // Text that did not come from loadSuiteFile (the UI's suites:check) is held to the same limit.
  if (text.length > MAX_SUITE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_SUITE_BYTES) {
    throw new SuiteError([tooLargeIssue(options.fileName, Buffer.byteLength(text, 'utf8'))]);
  }
  const lineCounter = new LineCounter();
  // merge: `<<: *anchor` is the usual way to share params between cases; uniqueKeys: a repeated key is an error.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const locator = new YamlLocator(doc, lineCounter);
  const toIssues = (problems: LocatedProblem[]): SuiteIssue[] => problemsToIssues(problems, locator, options.fileName);

  if (doc.errors.length > 0) {
    throw new SuiteError(toIssues(doc.errors.map((e) => syntaxProblem(e, text, doc, locator))));
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new SuiteError(toIssues([aliasProblem(doc, locator, error)]));
  }
  if (raw === null || raw === undefined) {
    throw new SuiteError(toIssues([{ path: [], problem: 'the suite file is empty', hint: 'A suite needs name: and cases:; see docs/suite-format.md.', at: { line: 1, column: 1 } }]));
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const what = Array.isArray(raw) ? 'a list' : 'a single value';
    throw new SuiteError(
      toIssues([{ path: [], problem: `the suite file must be a mapping with name: and cases:, not ${what}`, hint: 'See docs/suite-format.md for an example.' }]),
    );
  }
  coerceTextLeaves(raw as Record<string, unknown>, locator);

  const problems: Problem[] = [];
  const parsed = FileSuiteSchema.safeParse(raw);
  if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, raw));
  problems.push(...checkSemantics(raw as Record<string, unknown>, locator));
  const { inputs, problems: inputProblems } = await checkInputs(raw as Record<string, unknown>, baseDir, options.suggestWithin);
  problems.push(...inputProblems);
  if (problems.length > 0 || !parsed.success) throw new SuiteError(toIssues(withoutExplainedAbsences(problems)));

  const suite = buildSuite(parsed.data, baseDir);
  // A safety net: the file schema and the checks above should make this unreachable.
  const checked = SuiteSchema.safeParse(suite);
  if (!checked.success) {
    throw new SuiteError(
      toIssues(
        checked.error.issues.map((issue) => ({
          path: fileFieldPath(fieldPathOf(issue.path), parsed.data),
          problem: issue.message,
          hint: 'See docs/suite-format.md.',
        })),
      ),
    );
  }
  return { suite: checked.data, file: options.fileName, baseDir, inputs };
}

// ---------------------------------------------------------------------------------------------------------
// Normalising and checking the parsed value
// ---------------------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * YAML reads `expected_text: [2025]` or `id: 42` as numbers. Where the file means text, take the scalar's source
 * as written (so `007` stays "007") instead of failing on a type the user never chose.
 */
function coerceTextLeaves(root: Record<string, unknown>, locator: YamlLocator): void {
  const fix = (holder: Record<string | number, unknown>, key: string | number, at: FieldPath): void => {
    const value = holder[key];
    if (typeof value !== 'number' && typeof value !== 'boolean') return;
    const node = locator.node(at);
    holder[key] = isScalar(node) && typeof node.source === 'string' ? node.source : String(value);
  };
  const fixList = (holder: Record<string, unknown>, key: string, at: FieldPath): void => {
    const list = holder[key];
    if (Array.isArray(list)) list.forEach((_, i) => fix(list as unknown as Record<number, unknown>, i, [...at, key, i]));
  };
  fix(root, 'name', ['name']);
  fix(root, 'description', ['description']);
  const cases = root['cases'];
  if (!Array.isArray(cases)) return;
  cases.forEach((c: unknown, i) => {
    if (!isRecord(c)) return;
    const at = ['cases', i];
    for (const key of ['id', 'title', 'input', 'prompt', 'negative_prompt']) fix(c, key, [...at, key]);
    for (const key of ['inputs', 'expected_text', 'source_text', 'tags']) fixList(c, key, at);
    const turns = c['turns'];
    if (!Array.isArray(turns)) return;
    turns.forEach((t: unknown, j) => {
      if (!isRecord(t)) return;
      for (const key of ['prompt', 'negative_prompt']) fix(t, key, [...at, 'turns', j, key]);
      fixList(t, 'expected_text', [...at, 'turns', j]);
      fixList(t, 'source_text', [...at, 'turns', j]);
    });
  });
}

const has = (c: Record<string, unknown>, key: string): boolean => c[key] !== undefined;

/** Of two keys present in the same case, the one written later (where the conflict becomes visible). */
function laterKey(locator: YamlLocator, at: FieldPath, a: string, b: string): string {
  const pa = locator.locate([...at, a]);
  const pb = locator.locate([...at, b]);
  return pa.line > pb.line || (pa.line === pb.line && pa.column > pb.column) ? a : b;
}

function promptsOf(c: Record<string, unknown>): Array<{ prompt: unknown; expected: unknown }> {
  if (Array.isArray(c['turns'])) {
    return c['turns'].map((t: unknown) => (isRecord(t) ? { prompt: t['prompt'], expected: t['expected_text'] } : { prompt: undefined, expected: undefined }));
  }
  return has(c, 'prompt') ? [{ prompt: c['prompt'], expected: c['expected_text'] }] : [];
}

/** Rules that span fields (and so are not in the zod schema): shorthand vs turns, inputs per category, ids, sizes. */
function checkSemantics(root: Record<string, unknown>, locator: YamlLocator): Problem[] {
  const problems: Problem[] = [];
  const defaults = root['defaults'];
  if (isRecord(defaults) && typeof defaults['size'] === 'string') {
    const bad = checkSize(defaults['size']);
    if (bad) problems.push({ path: ['defaults', 'size'], ...bad });
  }
  const cases = root['cases'];
  if (!Array.isArray(cases)) return problems;
  const firstById = new Map<string, number>();
  cases.forEach((c: unknown, i) => {
    if (!isRecord(c)) return;
    const at: FieldPath = ['cases', i];

    if (typeof c['id'] === 'string') {
      const first = firstById.get(c['id']);
      if (first === undefined) firstById.set(c['id'], i);
      else {
        const line = locator.locate(['cases', first, 'id']).line;
        problems.push({
          path: [...at, 'id'],
          problem: `duplicate case id ${quote(c['id'])} (first used by cases[${first}] on line ${line})`,
          hint: 'Case ids must be unique; rename one of them.',
        });
      }
    }

    const hasTurns = has(c, 'turns');
    if (has(c, 'prompt') && hasTurns) {
      problems.push({ path: [...at, laterKey(locator, at, 'prompt', 'turns')], problem: 'has both prompt and turns', hint: 'Use prompt: for a single turn, or turns: for a chain, not both.' });
    } else if (!has(c, 'prompt') && !hasTurns) {
      problems.push({
        path: at,
        problem: 'has neither prompt nor turns',
        hint: 'Add prompt: <instruction>, or turns: with one {prompt: …} per turn.',
        absent: { at, keys: ['prompt', 'turns'] },
      });
    }
    if (hasTurns) {
      for (const key of ['negative_prompt', 'expected_text', 'source_text']) {
        if (has(c, key)) problems.push({ path: [...at, key], problem: `${key} is per turn when the case has turns`, hint: `Move ${key} into the turns it applies to.` });
      }
    }

    const hasInput = has(c, 'input');
    const hasInputs = has(c, 'inputs');
    if (hasInput && hasInputs) {
      problems.push({ path: [...at, laterKey(locator, at, 'input', 'inputs')], problem: 'has both input and inputs', hint: 'Use input: for one image or inputs: [a, b] for several.' });
    }
    const category = c['category'];
    if (typeof category === 'string' && (CATEGORIES as readonly string[]).includes(category)) {
      if (category === 'generation' && (hasInput || hasInputs)) {
        problems.push({
          path: [...at, hasInput ? 'input' : 'inputs'],
          problem: 'a generation case takes no input image (it is text-to-image)',
          hint: 'Remove the input, or change the category to edit.',
        });
      } else if (EDIT_CATEGORIES.has(category as Category) && !hasInput && !hasInputs) {
        problems.push({
          path: [...at, 'input'],
          problem: `a ${category} case needs an input image`,
          hint: 'Add input: <image path relative to the suite file>, or use category generation for text-to-image.',
          absent: { at, keys: ['input', 'inputs'] },
        });
      }
      const firstSourceAt: FieldPath = hasTurns ? [...at, 'turns', 0, 'source_text'] : [...at, 'source_text'];
      const firstTurn = hasTurns ? (Array.isArray(c['turns']) ? c['turns'][0] : undefined) : c;
      if (category === 'generation' && isRecord(firstTurn) && Array.isArray(firstTurn['source_text']) && firstTurn['source_text'].length > 0) {
        problems.push({
          path: firstSourceAt,
          problem: 'source_text on the first turn of a generation case (text-to-image has no input image to show it)',
          hint: 'source_text is the text the turn\'s input image shows; put it on a later turn of the chain, or remove it.',
        });
      }
      const turns = promptsOf(c);
      if (category === 'multi-turn' && turns.length === 1) {
        problems.push({
          path: [...at, hasTurns ? 'turns' : 'prompt'],
          problem: 'a multi-turn case needs at least 2 turns',
          hint: 'Write turns: with one {prompt: …} per step of the chain, or pick another category.',
        });
      }
      const allPromptsText = turns.length > 0 && turns.every((t) => typeof t.prompt === 'string');
      const anyText = turns.some((t) => (Array.isArray(t.expected) ? t.expected.length > 0 : typeof t.prompt === 'string' && quotedSpans(t.prompt).length > 0));
      if (category === 'text-rendering' && allPromptsText && !anyText) {
        problems.push({
          path: [...at, hasTurns ? 'turns' : 'prompt'],
          problem: 'a text-rendering case has no text to check',
          hint: 'Put the text to render in double quotes in the prompt, or list it in expected_text.',
        });
      }
    }

    const params = c['params'];
    if (isRecord(params) && typeof params['size'] === 'string') {
      const bad = checkSize(params['size']);
      if (bad) problems.push({ path: [...at, 'params', 'size'], ...bad });
    }
  });
  return problems;
}

/** Check every distinct input image once; a bad image gives one problem per place that names it. */
async function checkInputs(root: Record<string, unknown>, baseDir: string, suggestWithin?: readonly string[]): Promise<{ inputs: Map<string, InputImageInfo>; problems: Problem[] }> {
  const references: Array<{ path: FieldPath; written: string; absolute: string }> = [];
  const cases = root['cases'];
  if (Array.isArray(cases)) {
    cases.forEach((c: unknown, i) => {
      if (!isRecord(c)) return;
      const add = (written: unknown, at: FieldPath): void => {
        if (typeof written === 'string' && written.trim() !== '') references.push({ path: at, written, absolute: path.resolve(baseDir, written) });
      };
      add(c['input'], ['cases', i, 'input']);
      const list = c['inputs'];
      if (Array.isArray(list)) list.forEach((written: unknown, k) => add(written, ['cases', i, 'inputs', k]));
    });
  }

  // One check per spelling of a path (messages quote the path as written); usually one per file.
  const keyOf = (r: { written: string; absolute: string }): string => `${r.absolute}\0${r.written}`;
  const unique = [...new Map(references.map((r) => [keyOf(r), r])).values()];
  const results = new Map<string, InputCheck>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const ref = unique[next++] as (typeof unique)[number];
      results.set(keyOf(ref), await checkInputImage(ref.written, ref.absolute, suggestWithin));
    }
  };
  await Promise.all(Array.from({ length: Math.min(INPUT_CHECK_CONCURRENCY, unique.length) }, worker));

  const inputs = new Map<string, InputImageInfo>();
  const problems: Problem[] = [];
  for (const ref of references) {
    const result = results.get(keyOf(ref));
    if (result === undefined) continue;
    if (result.ok) inputs.set(ref.absolute, result.info);
    else problems.push({ path: ref.path, problem: result.problem, hint: result.hint });
  }
  return { inputs, problems };
}
