/**
 * executeRun: a run folder → simulators/adapters → the scheduler (core/runner) → comparisons →
 * report.json/html/csv/junit. It is also the resume path: a run folder reopened after a crash or a cancel goes
 * through it again and the scheduler only sends what never finished.
 */
import { SIDES, type BackendConfig, type ServerInfo, type Side } from '../../shared/model.ts';
import sharp from 'sharp';
import type { Report } from '../../shared/report.ts';
import { createAdapter } from '../backends/index.ts';
import { DEFAULT_TIME_SCALE } from '../backends/sim/defaults.ts';
import { parseFaultSpec, startSimServer } from '../backends/sim/index.ts';
import type { SimServer } from '../backends/sim/types.ts';
import type { BackendAdapter } from '../backends/types.ts';
import { createComparePool } from '../compare/pool.ts';
import { writeReports, type ReportFormat } from '../reports/write.ts';
import { connectBackends } from '../runner/connect.ts';
import type { RunEvent, RunOutcome } from '../runner/events.ts';
import type { OcrReader } from '../runner/ocr-reads.ts';
import { createRunOcrReader, type RunOcrReader } from './ocr-reader.ts';
import { runJobs } from '../runner/scheduler.ts';
import type { RunStore } from '../store/types.ts';
import { explainEmbeddedSimErrors } from './embedded-sim.ts';
import { BackendUnavailableError } from './errors.ts';
import { reportFromStore } from './report-from-store.ts';

export interface ExecuteOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Lines for a person: waiting for a server, detected paths, fallbacks. */
  onLog?: (line: string) => void;
  /** Simulator time scale (default: the simulators' own, DEFAULT_TIME_SCALE). */
  simTimeScale?: number;
  /**
   * Per-side multiplier on top of simTimeScale (CLI `--a-sim-time-scale`): makes one simulated side slower or
   * faster than the other, e.g. to try `compare` on a run where A got slower. Not stored in the run folder.
   */
  simSideTimeScale?: Partial<Record<Side, number>>;
  /** How long to wait for a real server's /health (default 10 minutes). */
  healthDeadlineMs?: number;
  /** Worker module for comparisons when core is bundled (Electron). */
  compareWorkerUrl?: URL;
  formats?: readonly ReportFormat[];
  /** Read the text of outputs with expected text (issue 11). Default true; `--ocr off` and the app's setting turn it off. */
  ocr?: boolean;
  /** The OCR engine to use instead of the product's (a test double in tests). */
  ocrReader?: OcrReader;
  /** Worker module for OCR when core is bundled (Electron). */
  ocrWorkerUrl?: URL;
}

export interface ExecuteResult {
  outcome: RunOutcome;
  report: Report;
  files: Partial<Record<ReportFormat, string>>;
}

function describeServer(side: Side, cfg: BackendConfig, info: ServerInfo): string {
  const model = info.model ? `model ${info.model}` : 'model unknown';
  const paths = [info.editPath && `edits via ${info.editPath}`, info.generatePath && `generation via ${info.generatePath}`]
    .filter(Boolean)
    .join(', ');
  return `${side}: ${cfg.label}: ${info.generation} server, ${model}${paths ? `, ${paths}` : ''}`;
}

/** Run (or resume) every unfinished job of a run folder, then write its reports. */
export async function executeRun(store: RunStore, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const log = options.onLog ?? (() => {});
  // libvips' operation cache (sharp's default: 50 MB, 100 operations, process-wide) keeps decoded images in case
  // the same operation comes again; a run decodes each image once or twice, so it would only hold memory (issue 10).
  sharp.cache(false);
  const sims: SimServer[] = [];
  const adapters: Partial<Record<Side, BackendAdapter>> = {};
  const pool = createComparePool(options.compareWorkerUrl ? { workerUrl: options.compareWorkerUrl } : {});
  // The product's engine unless OCR is off or a caller brought its own; its workers start on the first read.
  const ownOcr: RunOcrReader | null =
    options.ocr === false || options.ocrReader ? null : createRunOcrReader(options.ocrWorkerUrl ? { workerUrl: options.ocrWorkerUrl } : {});
  // Workers, models and simulators are let go before the reports are written: the report renders every thumbnail
  // and text crop, and the run's peak memory would otherwise be the two added together (issue 10: < 1 GB).
  let released: Promise<void> | null = null;
  const release = (): Promise<void> =>
    (released ??= (async () => {
      await Promise.all([pool.close(), ownOcr?.close()]);
      for (const adapter of Object.values(adapters)) adapter?.close?.();
      await Promise.all(sims.map((s) => s.close()));
    })());
  try {
    for (const side of SIDES) {
      const cfg = store.config.backends[side];
      let url = cfg.target;
      let sim: SimServer | undefined;
      if (cfg.simulated) {
        const sideScale = options.simSideTimeScale?.[side];
        const timeScale = sideScale === undefined ? options.simTimeScale : (options.simTimeScale ?? DEFAULT_TIME_SCALE) * sideScale;
        sim = await startSimServer({
          kind: cfg.kind,
          faults: parseFaultSpec(cfg.faults),
          ...(timeScale === undefined ? {} : { timeScale }),
        });
        sims.push(sim);
        url = sim.url;
      }
      const adapter = createAdapter(cfg.kind, url);
      adapters[side] = sim ? explainEmbeddedSimErrors(adapter, sim) : adapter;
    }
    const connected = adapters as Record<Side, BackendAdapter>;
    let servers: Record<Side, ServerInfo>;
    try {
      servers = await connectBackends(store, connected, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.healthDeadlineMs === undefined ? {} : { healthDeadlineMs: options.healthDeadlineMs }),
        onWait: (side, message) => log(`${side}: ${message}`),
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new BackendUnavailableError(`could not connect: ${(err as Error).message}`, { cause: err });
    }
    for (const side of SIDES) {
      log(describeServer(side, store.config.backends[side], servers[side]));
      for (const note of servers[side].notes) log(`${side}:   ${note}`);
    }

    const outcome = await runJobs({
      store,
      adapters: connected,
      compare: pool,
      ocr: options.ocr === false ? null : (options.ocrReader ?? ownOcr),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });

    // A runtime fallback (e.g. to the chat endpoint) changes what the adapter knows: keep the final word.
    for (const side of SIDES) {
      const info = connected[side].serverInfo?.();
      if (info) store.saveServerInfo(side, info);
    }
    await release();
    const report = reportFromStore(store);
    const files = await writeReports(report, store.dir, options.formats);
    return { outcome, report, files };
  } finally {
    await release();
  }
}
