/**
 * Run against run: load two runs, match their pairs, measure each side's pixel change, build the one
 * RunComparison (shared/run-compare.ts) and write compare.json, compare.md and compare.html. The CLI (`compare`)
 * and the app (`runs:compare`, core/app/handlers/compare.ts) both call `compareRuns`.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  buildRunComparison,
  matchPairs,
  RunComparisonSchema,
  type RunComparison,
  type TextPassReader,
} from '../../../shared/run-compare.ts';
import type { ComparePool } from '../../compare/types.ts';
import { writeFileAtomic } from '../../fs/atomic-write.ts';
import { TOOL_VERSION } from '../../version.ts';
import { renderComparisonHtml, type ComparisonHtmlOptions } from './html.ts';
import { loadRunForCompare, type LoadedRun } from './load-run.ts';
import { renderComparisonMarkdown } from './markdown.ts';
import { measurePixelChanges } from './pixels.ts';

export { CompareInputError, loadRunForCompare } from './load-run.ts';

export const COMPARE_FILES = { json: 'compare.json', md: 'compare.md', html: 'compare.html' } as const;

export interface CompareRunsOptions {
  /** Run folders (or report.json files) as the user named them. */
  before: string;
  after: string;
  outDir: string;
  /** Already loaded runs (the app has their stores open); otherwise loaded from the paths. */
  loaded?: { before: LoadedRun; after: LoadedRun };
  pool?: ComparePool;
  compareWorkerUrl?: URL;
  textPass?: TextPassReader;
  /** CJK font subset for compare.html (renderComparisonHtml's hook); without it Chinese needs a system font. */
  fontFace?: ComparisonHtmlOptions['fontFace'];
  now?: Date;
}

export interface CompareRunsResult {
  comparison: RunComparison;
  files: { json: string; md: string; html: string };
}

export async function compareRuns(options: CompareRunsOptions): Promise<CompareRunsResult> {
  const before = options.loaded?.before ?? (await loadRunForCompare(options.before, 'first run'));
  const after = options.loaded?.after ?? (await loadRunForCompare(options.after, 'second run'));
  // Throws RunCompareError (the user's to fix) before anything is written.
  const match = matchPairs(before.report, after.report);
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const pixels = await measurePixelChanges(match, {
    outDir,
    dirs: { before: before.dir, after: after.dir },
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.compareWorkerUrl ? { compareWorkerUrl: options.compareWorkerUrl } : {}),
  });
  const comparison = RunComparisonSchema.parse(
    buildRunComparison({
      before: before.report,
      after: after.report,
      dirs: { before: options.before, after: options.after },
      match,
      pixels,
      ...(options.textPass ? { textPass: options.textPass } : {}),
      generatedAt: (options.now ?? new Date()).toISOString(),
      toolVersion: TOOL_VERSION,
    }),
  );
  const files = { json: join(outDir, COMPARE_FILES.json), md: join(outDir, COMPARE_FILES.md), html: join(outDir, COMPARE_FILES.html) };
  await writeFileAtomic(files.json, `${JSON.stringify(comparison, null, 2)}\n`);
  await writeFileAtomic(files.md, renderComparisonMarkdown(comparison));
  await writeFileAtomic(files.html, await renderComparisonHtml(comparison, outDir, options.fontFace ? { fontFace: options.fontFace } : {}));
  return { comparison, files };
}
