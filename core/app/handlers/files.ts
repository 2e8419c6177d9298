/**
 * Files of a run: the export channel, and the id → file resolution hosts use for images, previews and exported
 * reports. Nothing here builds a path from renderer input: ids are looked up in the store, report names must
 * match RUN_FILE, and every result is checked to be a regular file inside the run folder.
 */
import { basename, extname, join } from 'node:path';
import { reportFromStore } from '../../engine/report-from-store.ts';
import { containedFileOrNull } from '../../paths/containment.ts';
import { writeReports } from '../../reports/write.ts';
import { RpcError, type Handlers } from '../../rpc.ts';
import type { AppContext } from '../context.ts';
import { ensurePreview, isPreviewSide, previewRelPath } from '../previews.ts';
import type { RunHandle, RunRegistry } from '../run-registry.ts';
import type { CoreApp, ResolvedFile } from '../types.ts';

const IMAGE_ID = /^[0-9a-f]{64}$/;
/** The files of a run folder the UI may open: the reports and the images they link to. Nothing else. */
const RUN_FILE = /^(?:report\.(?:html|json|csv|md|pdf)|junit\.xml|images\/[0-9a-f]{2}\/[0-9a-f]{64}\.(?:png|jpg|webp))$/;
const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.pdf': 'application/pdf',
};

export function filesHandlers(ctx: AppContext): Pick<Handlers, 'runs:export'> {
  return {
    'runs:export': async ({ runId, format }) => {
      const h = ctx.runs.get(runId);
      if (format === 'pdf') {
        // The same HTML, printed: Electron's printToPDF in the app, a Chromium on the machine in browser mode.
        const written = await writeReports(reportFromStore(h.store), h.dir, ['json', 'html']);
        const pdf = join(h.dir, 'report.pdf');
        await ctx.printPdf(written.html as string, pdf);
        return { file: basename(pdf), path: pdf };
      }
      const written = await writeReports(reportFromStore(h.store), h.dir, format === 'json' ? ['json'] : ['json', format]);
      const path = written[format];
      if (!path) throw new RpcError('failed', `export of ${format} wrote nothing`);
      return { file: basename(path), path };
    },
  };
}

function resolveInRun(h: RunHandle, rel: string): ResolvedFile | null {
  // Realpath containment (core/paths): a symlinked sub-folder of the run must not serve files from outside it.
  const abs = containedFileOrNull(h.dir, rel);
  return abs ? { path: abs, mime: MIME[extname(abs)] ?? 'application/octet-stream' } : null;
}

export function fileResolver(runs: RunRegistry): Pick<CoreApp, 'resolveImage' | 'resolvePreview' | 'resolveRunFile'> {
  return {
    resolveImage(runId, imageId) {
      const h = runs.find(runId);
      if (!h || !IMAGE_ID.test(imageId)) return null;
      const image = h.store.getImage(imageId);
      return image ? resolveInRun(h, image.relPath) : null;
    },
    async resolvePreview(runId, imageId, maxSide) {
      const h = runs.find(runId);
      if (!h || !IMAGE_ID.test(imageId) || !isPreviewSide(maxSide)) return null;
      const image = h.store.getImage(imageId);
      if (!image) return null;
      const original = resolveInRun(h, image.relPath);
      if (!original || Math.max(image.width, image.height) <= maxSide) return original;
      const rel = previewRelPath(imageId, maxSide);
      await ensurePreview(original.path, join(h.dir, rel), maxSide);
      return resolveInRun(h, rel);
    },
    resolveRunFile(runId, relPath) {
      const h = runs.find(runId);
      if (!h || !RUN_FILE.test(relPath)) return null;
      return resolveInRun(h, relPath);
    },
  };
}
