/**
 * A checked suite file (snake_case, shorthand forms) → the shared Suite model (camelCase, turns and inputs
 * always lists, inputs as absolute paths, expected text filled in from the quoted spans, source text from the
 * turn before), and back from a model path to the path as the file wrote it.
 */
import path from 'node:path';
import type { GenParams, Suite, SuiteCase, Turn } from '../../shared/model.ts';
import { quotedSpans } from '../../shared/expected-text.ts';
import { expectedTextOf } from '../../shared/ocr-read.ts';
import type { FieldPath } from '../../shared/issue-path.ts';
import type { FileCase, FileParams, FileSuite } from './file-schema.ts';


function toParams(p: FileParams | undefined): GenParams {
  const out: GenParams = {};
  if (p?.seed !== undefined) out.seed = p.seed;
  if (p?.steps !== undefined) out.steps = p.steps;
  if (p?.true_cfg_scale !== undefined) out.trueCfgScale = p.true_cfg_scale;
  if (p?.size !== undefined) out.size = p.size;
  return out;
}

interface WrittenTurn {
  prompt: string;
  negative_prompt?: string | undefined;
  expected_text?: string[] | undefined;
  source_text?: string[] | undefined;
}

/**
 * The source text of a turn (issue 11's `text.source_kept`): what the turn's input image shows and the edit should
 * replace. The suite's `source_text` when written (`[]`: none); else, for a turn after the first, the previous turn's
 * expected text when it reads differently from this turn's (the turn's input is the previous turn's output); else
 * none. Undefined for none; a turn with no expected text has nothing to check and so no source text either.
 */
export function turnSourceText(written: readonly string[] | undefined, expected: readonly string[], previousExpected: readonly string[] | undefined): string[] | undefined {
  if (expectedTextOf(expected) === '') return undefined;
  if (written !== undefined) return expectedTextOf(written) === '' ? undefined : [...written];
  if (previousExpected === undefined) return undefined;
  const previous = expectedTextOf(previousExpected);
  return previous !== '' && previous !== expectedTextOf(expected) ? [...previousExpected] : undefined;
}

function toTurns(written: readonly WrittenTurn[]): Turn[] {
  const turns: Turn[] = [];
  for (const w of written) {
    const expectedText = w.expected_text ?? quotedSpans(w.prompt);
    const turn: Turn = { prompt: w.prompt, expectedText };
    if (w.negative_prompt !== undefined) turn.negativePrompt = w.negative_prompt;
    const sourceText = turnSourceText(w.source_text, expectedText, turns.at(-1)?.expectedText);
    if (sourceText !== undefined) turn.sourceText = sourceText;
    turns.push(turn);
  }
  return turns;
}

function toCase(c: FileCase, baseDir: string): SuiteCase {
  const written = c.inputs ?? (c.input !== undefined ? [c.input] : []);
  const turns = toTurns(c.turns ?? [{ prompt: c.prompt ?? '', negative_prompt: c.negative_prompt, expected_text: c.expected_text, source_text: c.source_text }]);
  const out: SuiteCase = {
    id: c.id,
    category: c.category,
    inputs: written.map((p) => path.resolve(baseDir, p)),
    turns,
    params: toParams(c.params),
    tags: c.tags ?? [],
  };
  if (c.title !== undefined) out.title = c.title;
  return out;
}

export function buildSuite(file: FileSuite, baseDir: string): Suite {
  const suite: Suite = { name: file.name, defaults: toParams(file.defaults), cases: file.cases.map((c) => toCase(c, baseDir)) };
  if (file.description !== undefined) suite.description = file.description;
  return suite;
}

const SNAKE: Readonly<Record<string, string>> = { negativePrompt: 'negative_prompt', expectedText: 'expected_text', sourceText: 'source_text', trueCfgScale: 'true_cfg_scale' };

/** A path in the model (camelCase, always turns/inputs) → the path in the file as this suite wrote it. */
export function fileFieldPath(modelPath: FieldPath, file: FileSuite): FieldPath {
  const out: Array<string | number> = [];
  for (let i = 0; i < modelPath.length; i++) {
    const segment = modelPath[i] as string | number;
    const c = modelPath[0] === 'cases' && typeof modelPath[1] === 'number' ? file.cases[modelPath[1]] : undefined;
    if (i === 2 && c && segment === 'turns' && c.turns === undefined) {
      i++; // shorthand prompt: turns[0].x is written as x on the case
      continue;
    }
    if (i === 2 && c && segment === 'inputs' && c.inputs === undefined) {
      out.push('input');
      i++;
      continue;
    }
    out.push(typeof segment === 'string' ? (SNAKE[segment] ?? segment) : segment);
  }
  return out;
}
