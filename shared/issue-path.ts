/**
 * Field paths of validation problems, written the way people read them and docs write them:
 * ["cases", 3, "turns", 0, "prompt"] → "cases[3].turns[0].prompt". The one formatter for zod issue paths
 * (RPC errors, stored records, reports, suite files, the security allow-list). Pure and isomorphic.
 */

/** A path into a parsed value: keys and array indices. */
export type FieldPath = ReadonlyArray<string | number>;

/** An issue path as zod reports it (object keys may in principle be symbols). */
export type IssuePath = ReadonlyArray<PropertyKey>;

/** The issue's path without symbol keys (they cannot occur in JSON or YAML data). */
export function fieldPathOf(path: IssuePath): Array<string | number> {
  return path.filter((key): key is string | number => typeof key !== 'symbol');
}

/** "cases[3].turns[0].prompt"; '' for the empty path (the value as a whole). Symbol keys are left out. */
export function formatFieldPath(path: IssuePath): string {
  let out = '';
  for (const key of fieldPathOf(path)) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** What to call the empty path in a message. */
export const ROOT_PATH_LABEL = '(root)';

/** One issue as "field: problem" (what a person needs to fix it); "(root): problem" for the value as a whole. */
export function describeIssue(issue: { readonly path: IssuePath; readonly message: string }): string {
  return `${formatFieldPath(issue.path) || ROOT_PATH_LABEL}: ${issue.message}`;
}

/** The first `max` issues as "field: problem; …", with "(+N more)" when some were left out. */
export function describeIssues(issues: ReadonlyArray<{ readonly path: IssuePath; readonly message: string }>, max = 1): string {
  if (issues.length === 0) return 'invalid value';
  const shown = issues.slice(0, max).map(describeIssue).join('; ');
  return issues.length > max ? `${shown} (+${issues.length - max} more)` : shown;
}
