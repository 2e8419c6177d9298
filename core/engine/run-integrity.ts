/**
 * Checks that a run folder holds what its own record refers to before a resume sends anything.
 *
 * Older versions could leave a folder whose config names input images that were never stored (a truncated input
 * passed the suite check, then failed while the run imported it). Resuming such a folder used to fail with a stack
 * trace on every try; this says once, in one line, what is missing and what to do.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunStore } from '../store/types.ts';

/** One sentence describing what is missing from the folder, or undefined when every input image is there. */
export function missingInputsProblem(store: Pick<RunStore, 'dir' | 'config' | 'getImage'>): string | undefined {
  const missing: Array<{ caseId: string; id: string }> = [];
  for (const c of store.config.suite.cases) {
    for (const id of c.inputs) {
      const image = store.getImage(id);
      if (!image || !existsSync(path.join(store.dir, ...image.relPath.split('/')))) missing.push({ caseId: c.id, id });
    }
  }
  const first = missing[0];
  if (!first) return undefined;
  const more = missing.length > 1 ? ` and ${missing.length - 1} more` : '';
  return (
    `the run folder is incomplete: input image ${first.id.slice(0, 12)}… of case ${first.caseId}${more} was never stored ` +
    '(the run that created it stopped while importing its inputs, so its jobs cannot be sent); ' +
    'fix the input image and start the run again from its suite with a new --out folder'
  );
}
