/** The report of a run folder, built from what its store holds now. */
import type { Report } from '../../shared/report.ts';
import { buildReport } from '../reports/build.ts';
import type { RunStore } from '../store/types.ts';
import { TOOL_VERSION } from '../version.ts';

/** Build the report from what the store holds now (complete, partial or with verdicts). */
export function reportFromStore(store: RunStore, now: Date = new Date()): Report {
  return buildReport({
    config: store.config,
    jobs: store.jobs(),
    results: store.results(),
    comparisons: store.comparisons(),
    verdicts: store.verdicts(),
    ocrReads: store.ocrReads(),
    servers: { A: store.serverInfo('A'), B: store.serverInfo('B') },
    imageRelPath: (id) => {
      const image = store.getImage(id);
      if (!image) throw new Error(`image ${id} is referenced by the run but not stored in ${store.dir}`);
      return image.relPath;
    },
    generatedAt: now.toISOString(),
    toolVersion: TOOL_VERSION,
  });
}
