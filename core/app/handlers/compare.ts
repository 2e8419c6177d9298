/**
 * `runs:compare`: the app's run-against-run comparison, the same engine as `omni-review compare`
 * (core/reports/run-compare). It writes compare.html / .md / .json into <workspace>/compares/<first>--<second>/
 * and answers with the comparison, its thumbnails inlined as data: URLs (the renderer reaches files by id, never by
 * path). One comparison at a time: the pixel work shares the machine with any run in progress.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunCompareError, type PixelChange, type RunComparison } from '../../../shared/run-compare.ts';
import { reportFromStore } from '../../engine/report-from-store.ts';
import { containedFileOrNull } from '../../paths/containment.ts';
import { compareRuns } from '../../reports/run-compare/index.ts';
import { RpcError, type Handlers } from '../../rpc.ts';
import type { AppContext } from '../context.ts';

/** Folder name from two run ids: ids are ours, but a folder name is still kept to a safe alphabet. */
function folderName(before: string, after: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return `${safe(before)}--${safe(after)}`;
}

async function inlineThumbs(c: RunComparison, dir: string): Promise<RunComparison> {
  const uri = async (rel: string | null): Promise<string | null> => {
    if (!rel) return null;
    const file = containedFileOrNull(dir, rel);
    if (!file) return null;
    try {
      return `data:image/webp;base64,${(await readFile(file)).toString('base64')}`;
    } catch {
      return null;
    }
  };
  const side = async (p: PixelChange): Promise<PixelChange> =>
    p.thumbs ? { ...p, thumbs: { before: await uri(p.thumbs.before), after: await uri(p.thumbs.after), heatmap: await uri(p.thumbs.heatmap) } } : p;
  const pairs = await Promise.all(c.pairs.map(async (p) => ({ ...p, pixels: { A: await side(p.pixels.A), B: await side(p.pixels.B) } })));
  return { ...c, pairs };
}

export function compareHandlers(ctx: AppContext, compareWorkerUrl?: URL): Pick<Handlers, 'runs:compare'> {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    'runs:compare': async ({ beforeRunId, afterRunId }) => {
      if (beforeRunId === afterRunId) throw new RpcError('bad-request', 'pick two different runs to compare (the same run was given twice)');
      const before = ctx.runs.get(beforeRunId);
      const after = ctx.runs.get(afterRunId);
      const dir = join(ctx.workspace, 'compares', folderName(beforeRunId, afterRunId));
      const work = queue.then(async () => {
        try {
          return await compareRuns({
            before: before.dir,
            after: after.dir,
            outDir: dir,
            loaded: { before: { report: reportFromStore(before.store), dir: before.dir }, after: { report: reportFromStore(after.store), dir: after.dir } },
            ...(compareWorkerUrl ? { compareWorkerUrl } : {}),
          });
        } catch (err) {
          if (err instanceof RunCompareError) throw new RpcError('bad-request', err.message);
          throw err;
        }
      });
      queue = work.catch(() => undefined);
      const result = await work;
      return { comparison: await inlineThumbs(result.comparison, dir), dir, files: result.files };
    },
  };
}
