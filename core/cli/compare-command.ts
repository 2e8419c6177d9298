/**
 * `omni-review compare RUN_DIR_1 RUN_DIR_2 --out DIR`: what changed from the first run to the second (speed per
 * category and stage, verdicts, text results, pictures), written as compare.html / compare.md / compare.json.
 */
import { resolve } from 'node:path';
import { RunCompareError } from '../../shared/run-compare.ts';
import { isInside } from '../paths/containment.ts';
import { compareRuns, CompareInputError } from '../reports/run-compare/index.ts';
import { UsageError } from './args.ts';
import type { CliIo } from './io.ts';
import { displayPath } from './paths.ts';

export interface CompareCommandOptions {
  out?: string;
  json?: boolean;
}

export async function compareCommand(first: string, second: string, o: CompareCommandOptions, io: CliIo): Promise<number> {
  if (o.out === undefined) throw new UsageError('--out <dir> is required: the folder compare.html, compare.md and compare.json are written to');
  const outDir = resolve(o.out);
  for (const run of [first, second]) {
    const runDir = resolve(run);
    if (isInside(runDir, outDir)) {
      throw new UsageError(`--out ${o.out}: pick a folder of its own, not the run folder ${run} or one inside it (nothing is written into a run)`);
    }
  }
  let result;
  try {
    result = await compareRuns({ before: first, after: second, outDir });
  } catch (err) {
    if (err instanceof CompareInputError || err instanceof RunCompareError) throw new UsageError(err.message);
    throw err;
  }
  const c = result.comparison;
  if (o.json) {
    io.stdout.write(`${JSON.stringify({ headline: c.headline, warnings: c.warnings, totals: c.totals, matched: c.matching.matched, files: result.files })}\n`);
    return 0;
  }
  for (const w of c.warnings) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(`${c.headline}\n`);
  for (const [format, file] of Object.entries(result.files)) io.stdout.write(`${format}: ${displayPath(file)}\n`);
  return 0;
}
