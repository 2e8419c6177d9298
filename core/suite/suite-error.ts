/**
 * The one error the suite loader throws for anything wrong with a suite file. Its message is a single line that
 * stands on its own (file:line:column: field: problem. hint), because the CLI prints it as is with exit code 2.
 */

export interface SuiteIssue {
  /** The suite file as the caller named it (as typed on the command line, or the fileName given for text). */
  file: string;
  /** 1-based; null when the problem is the file as a whole (cannot be read). */
  line: number | null;
  column: number | null;
  /** Field path in the file, e.g. `cases[3].turns[0].prompt`; '' for the document as a whole. */
  field: string;
  /** What is wrong, one line, no trailing period. */
  problem: string;
  /** What to do, one or more sentences. */
  hint: string;
  /** The full one-line message: `file:line:column: field: problem. hint` */
  message: string;
}

export function formatIssue(issue: Omit<SuiteIssue, 'message'>): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const field = issue.field ? `${issue.field}: ` : '';
  const hint = issue.hint ? ` ${issue.hint}` : '';
  // One line, whatever the user's values contained.
  return `${where}: ${field}${issue.problem}.${hint}`.replace(/[\r\n]+/g, ' ');
}

export function makeIssue(issue: Omit<SuiteIssue, 'message'>): SuiteIssue {
  return { ...issue, message: formatIssue(issue) };
}

export class SuiteError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly field: string;
  readonly problem: string;
  readonly hint: string;
  /** Every problem found, in file order; the first is the one this error describes. Never empty. */
  readonly errors: readonly SuiteIssue[];

  constructor(issues: readonly SuiteIssue[]) {
    const first = issues[0];
    if (first === undefined) throw new TypeError('SuiteError needs at least one issue');
    super(first.message);
    this.name = 'SuiteError';
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.field = first.field;
    this.problem = first.problem;
    this.hint = first.hint;
    this.errors = issues;
  }

  /** Every problem, one per line (for a CLI that wants to show them all rather than only the first). */
  describeAll(): string {
    return this.errors.map((e) => e.message).join('\n');
  }
}
