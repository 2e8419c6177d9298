/**
 * Problems the YAML parser finds (syntax, duplicate keys, several documents, unresolved aliases), phrased with
 * the position to edit and a hint, for the suite loader.
 */
import { isAlias, visit, type Document, type YAMLError } from 'yaml';
import { formatFieldPath } from '../../shared/issue-path.ts';
import { quote, type Problem } from './file-schema.ts';
import { makeIssue, type SuiteIssue } from './suite-error.ts';
import type { YamlLocator } from './yaml-locate.ts';


export function syntaxProblem(error: YAMLError, text: string, doc: Document, locator: YamlLocator): Problem & { at: { line: number; column: number } } {
  const at = locator.position(error.pos[0]);
  const detail = error.message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      // The error spans one character; the key runs to its ": ".
      const key = /^\s*([^\n]+?)\s*:(\s|$)/.exec(text.slice(error.pos[0]))?.[1] ?? 'this key';
      return { path: [], at, problem: `duplicate key ${quote(key)} in the same mapping`, hint: 'Each key may appear once; remove or rename one.' };
    }
    case 'MULTIPLE_DOCS':
      return { path: [], at, problem: 'a suite file holds one YAML document, but a second one starts here (---)', hint: 'Remove the --- line, or split the file into two suites.' };
    case 'BAD_INDENT': {
      // "Flow sequence … must end with a ]" is detected where the next block starts; point at the open bracket.
      const open = /^Flow (sequence|mapping)/.test(detail) ? unclosedFlowStart(doc, error.pos[0]) : undefined;
      if (open === undefined) return { path: [], at, problem: `YAML syntax error: ${lowerFirst(detail)}`, hint: GENERIC_SYNTAX_HINT };
      const bracket = detail.startsWith('Flow sequence') ? ['[', ']'] : ['{', '}'];
      return {
        path: [],
        at: locator.position(open),
        problem: `YAML syntax error: this ${bracket[0]} is never closed`,
        hint: `Close it with ${bracket[1]} on the same line, or indent the following lines deeper than the key.`,
      };
    }
    case 'UNEXPECTED_TOKEN':
      return {
        path: [],
        at,
        problem: `YAML syntax error: ${lowerFirst(detail)}`,
        hint: `${GENERIC_SYNTAX_HINT} A value with quotes inside is easiest in single quotes (prompt: 'Add a sign "OPEN"') or as a block (prompt: >- and the text indented below).`,
      };
    case 'TAB_AS_INDENT':
      return { path: [], at, problem: 'YAML does not allow tabs for indentation', hint: 'Indent with spaces.' };
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return {
        path: [],
        at,
        problem: `YAML syntax error: ${lowerFirst(detail)}`,
        hint: "A value that contains \": \" must be quoted: wrap it in single quotes, e.g. prompt: 'Add a sign: \"OPEN\"'.",
      };
    default:
      return { path: [], at, problem: `YAML syntax error: ${lowerFirst(detail)}`, hint: GENERIC_SYNTAX_HINT };
  }
}

const GENERIC_SYNTAX_HINT = 'Check the indentation, quotes and brackets around this position.';

/** Start offset of the innermost flow collection ([…] or {…}) that begins before `offset` and runs up to it. */
function unclosedFlowStart(doc: Document, offset: number): number | undefined {
  let best: number | undefined;
  const consider = (node: { flow?: boolean; range?: readonly [number, number, number] | null }): void => {
    const range = node.range;
    if (node.flow && range && range[0] < offset && range[2] >= offset && (best === undefined || range[0] > best)) best = range[0];
  };
  visit(doc, { Seq: (_, node) => consider(node), Map: (_, node) => consider(node) });
  return best;
}

export function aliasProblem(doc: Document, locator: YamlLocator, error: unknown): Problem & { at: { line: number; column: number } } {
  let at = { line: 1, column: 1 };
  let name: string | undefined;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        at = locator.position(node.range?.[0] ?? 0);
        name = node.source;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (name !== undefined) {
    return { path: [], at, problem: `unknown alias *${name}`, hint: `Define the anchor &${name} before the first *${name} that uses it.` };
  }
  const detail = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  return { path: [], at, problem: `cannot expand the YAML aliases: ${detail}`, hint: 'Use fewer aliases (anchors are for small shared blocks such as params).' };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A problem found in a YAML file, with its position when the parser gave one (else it is located by path). */
export type LocatedProblem = Problem & { at?: { line: number; column: number } };

/**
 * Problems as issues of `fileName`, each at its line and column, in file order. `elsewhere` may place a problem
 * outside the file (a sweep's command-line flag that overrides a field); issues without a line sort first.
 */
export function problemsToIssues(
  problems: readonly LocatedProblem[],
  locator: YamlLocator,
  fileName: string,
  elsewhere?: (problem: LocatedProblem) => SuiteIssue | undefined,
): SuiteIssue[] {
  return problems
    .map((p) => {
      const placed = elsewhere?.(p);
      if (placed) return placed;
      const at = p.at ?? locator.locate(p.path);
      return makeIssue({ file: fileName, line: at.line, column: at.column, field: formatFieldPath(p.path), problem: p.problem, hint: p.hint });
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
