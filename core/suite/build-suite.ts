/**
 * A checked suite file (snake_case, shorthand forms) → the shared Suite model (camelCase, turns and inputs
 * always lists, inputs as absolute paths, expected text filled in from the quoted spans), and back from a model
 * path to the path as the file wrote it.
 */
import path from 'node:path';
import type { GenParams, Suite, SuiteCase, Turn } from '../../shared/model.ts';
import { quotedSpans } from '../../shared/expected-text.ts';
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

function toTurn(prompt: string, negativePrompt: string | undefined, expectedText: string[] | undefined): Turn {
  const turn: Turn = { prompt, expectedText: expectedText ?? quotedSpans(prompt) };
  if (negativePrompt !== undefined) turn.negativePrompt = negativePrompt;
  return turn;
}

function toCase(c: FileCase, baseDir: string): SuiteCase {
  const written = c.inputs ?? (c.input !== undefined ? [c.input] : []);
  const turns = c.turns
    ? c.turns.map((t) => toTurn(t.prompt, t.negative_prompt, t.expected_text))
    : [toTurn(c.prompt ?? '', c.negative_prompt, c.expected_text)];
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

const SNAKE: Readonly<Record<string, string>> = { negativePrompt: 'negative_prompt', expectedText: 'expected_text', trueCfgScale: 'true_cfg_scale' };

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
