/**
 * A review pass from start to report, shared by the CLI and the UI's handlers:
 *
 *   createRun   suite + settings → a run folder (config, imported input images, planned jobs)
 *   executeRun  run folder → simulators/adapters → runner → comparisons → report.json/html/csv/junit
 *
 * executeRun is also the resume path: a run folder reopened after a crash or a cancel goes through it again and
 * the runner only sends what never finished.
 */
import { readFile } from 'node:fs/promises';
import {
  SIDES,
  SIM_URL,
  type BackendConfig,
  type BackendKind,
  type RunConfig,
  type RunParams,
  type ServerInfo,
  type Side,
  type Suite,
} from '../../shared/model.ts';
import type { RunProgress as DisplayProgress } from '../../shared/contract.ts';
import type { Report } from '../../shared/report.ts';
import { createAdapter } from '../backends/index.ts';
import { parseFaultSpec, startSimServer } from '../backends/sim/index.ts';
import type { SimServer } from '../backends/sim/types.ts';
import type { BackendAdapter } from '../backends/types.ts';
import { createComparePool } from '../compare/pool.ts';
import { buildReport } from '../reports/build.ts';
import { writeReports, type ReportFormat } from '../reports/write.ts';
import type { RunEvent, RunOutcome, RunProgress } from '../runs/events.ts';
import { planJobs } from '../runs/plan.ts';
import { connectBackends, runJobs } from '../runs/runner.ts';
import { inspectImage } from '../store/image-file.ts';
import { explainEmbeddedSimErrors } from './embedded-sim.ts';
import { imageIdOf, openRunStore } from '../store/run-store.ts';
import type { RunStore } from '../store/types.ts';
import type { LoadedSuite } from '../suite/load.ts';
import { TOOL_VERSION } from '../version.ts';

/**
 * The runner's progress in the contract's shape, which the CLI's bars and the UI both draw. Skipped chain turns
 * count as errors there: they did not produce an image either.
 */
export function progressForDisplay(p: RunProgress): DisplayProgress {
  const side = (s: RunProgress['sides']['A']) => ({ total: s.total, done: s.done, ok: s.ok, error: s.error + s.skipped, running: s.running });
  return { A: side(p.sides.A), B: side(p.sides.B), compare: { total: p.comparisons.total, done: p.comparisons.done }, etaMs: p.etaMs };
}

/** Bad settings a person can fix (exit code 2 in the CLI, a `bad-request` in the UI). */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

/** A backend that never became healthy or could not be reached (exit code 3 in the CLI). */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

export interface BackendSpec {
  /** `sim` or a base URL (already checked by the caller). */
  target: string;
  kind: BackendKind;
  /** Simulator fault spec, e.g. "typo=0.3"; must be empty for a real server. */
  faults: string;
  concurrency: number;
  timeoutMs: number;
}

export interface CreateRunSpec {
  loaded: LoadedSuite;
  /** How the user named the suite (kept in the report; never resolved further). */
  suiteSource: string;
  dir: string;
  runId: string;
  backends: Record<Side, BackendSpec>;
  params: RunParams;
  now?: Date;
}

const KIND_NAMES: Record<BackendKind, string> = { 'vllm-omni': 'vLLM-Omni', diffusers: 'diffusers baseline' };

export function backendLabel(kind: BackendKind, target: string): string {
  return target === SIM_URL ? `${KIND_NAMES[kind]} (simulated)` : `${KIND_NAMES[kind]} @ ${target}`;
}

/** The url recorded for a simulated backend: its port changes on every start, so we record what it is instead. */
export const SIMULATOR_URL_LABEL = 'embedded simulator';

function backendConfig(side: Side, spec: BackendSpec): BackendConfig {
  const simulated = spec.target === SIM_URL;
  if (simulated) {
    try {
      parseFaultSpec(spec.faults);
    } catch (err) {
      throw new RunInputError(`${side === 'A' ? '--a-faults' : '--b-faults'}: ${(err as Error).message}`);
    }
  } else if (spec.faults.trim()) {
    throw new RunInputError(`fault profiles only apply to the simulator; side ${side} is the real server ${spec.target}`);
  }
  return {
    side,
    kind: spec.kind,
    target: spec.target,
    url: simulated ? SIMULATOR_URL_LABEL : spec.target,
    simulated,
    label: backendLabel(spec.kind, spec.target),
    concurrency: spec.concurrency,
    timeoutMs: spec.timeoutMs,
    faults: simulated ? spec.faults.trim() : '',
  };
}

/** Create the run folder: config with input images imported by content id, and every job planned. */
export async function createRun(spec: CreateRunSpec): Promise<RunStore> {
  const backends = { A: backendConfig('A', spec.backends.A), B: backendConfig('B', spec.backends.B) };

  // Read every input once, derive its content id before the store exists (the config names inputs by id).
  const bytesByPath = new Map<string, Uint8Array>();
  const idByPath = new Map<string, string>();
  for (const path of spec.loaded.inputs.keys()) {
    const bytes = new Uint8Array(await readFile(path));
    // Decode it before the folder exists: an input that fails now must not leave a run that names it.
    await inspectImage(bytes).catch((err: unknown) => {
      throw new RunInputError(`input image ${path} cannot be used: ${(err as Error).message.replace(/^image rejected: /, '').replace(/; the server sent a truncated or corrupt image$/, '')}`);
    });
    bytesByPath.set(path, bytes);
    idByPath.set(path, imageIdOf(bytes));
  }
  const suite: Suite = {
    ...spec.loaded.suite,
    cases: spec.loaded.suite.cases.map((c) => ({
      ...c,
      inputs: c.inputs.map((p) => {
        const id = idByPath.get(p);
        if (!id) throw new Error(`internal: input ${p} of case ${c.id} was not loaded`);
        return id;
      }),
    })),
  };
  const config: RunConfig = {
    id: spec.runId,
    createdAt: (spec.now ?? new Date()).toISOString(),
    suite,
    suiteSource: spec.suiteSource,
    backends,
    params: spec.params,
  };
  const store = await openRunStore(spec.dir, { create: config });
  try {
    for (const bytes of bytesByPath.values()) await store.putImage(bytes);
    const firstInput = new Map(spec.loaded.suite.cases.map((c) => [c.id, c.inputs[0]]));
    const jobs = planJobs(suite, spec.params, (caseId) => {
      const path = firstInput.get(caseId);
      const info = path ? spec.loaded.inputs.get(path) : undefined;
      return info ? { width: info.width, height: info.height } : null;
    });
    store.addJobs(jobs);
    return store;
  } catch (err) {
    store.close();
    throw err;
  }
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Lines for a person: waiting for a server, detected paths, fallbacks. */
  onLog?: (line: string) => void;
  /** Simulator time scale (default: the simulators' own, 0.01). */
  simTimeScale?: number;
  /** How long to wait for a real server's /health (default 10 minutes). */
  healthDeadlineMs?: number;
  /** Worker module for comparisons when core is bundled (Electron). */
  compareWorkerUrl?: URL;
  formats?: readonly ReportFormat[];
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

/** Build the report from what the store holds now (complete, partial or with verdicts). */
export function reportFromStore(store: RunStore, now: Date = new Date()): Report {
  return buildReport({
    config: store.config,
    jobs: store.jobs(),
    results: store.results(),
    comparisons: store.comparisons(),
    verdicts: store.verdicts(),
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

/** Run (or resume) every unfinished job of a run folder, then write its reports. */
export async function executeRun(store: RunStore, options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const log = options.onLog ?? (() => {});
  const sims: SimServer[] = [];
  const adapters: Partial<Record<Side, BackendAdapter>> = {};
  const pool = createComparePool(options.compareWorkerUrl ? { workerUrl: options.compareWorkerUrl } : {});
  try {
    for (const side of SIDES) {
      const cfg = store.config.backends[side];
      let url = cfg.target;
      let sim: SimServer | undefined;
      if (cfg.simulated) {
        sim = await startSimServer({
          kind: cfg.kind,
          faults: parseFaultSpec(cfg.faults),
          ...(options.simTimeScale === undefined ? {} : { timeScale: options.simTimeScale }),
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
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });

    // A runtime fallback (e.g. to the chat endpoint) changes what the adapter knows: keep the final word.
    for (const side of SIDES) {
      const info = connected[side].serverInfo?.();
      if (info) store.saveServerInfo(side, info);
    }
    const report = reportFromStore(store);
    const files = await writeReports(report, store.dir, options.formats);
    return { outcome, report, files };
  } finally {
    await pool.close();
    for (const adapter of Object.values(adapters)) adapter?.close?.();
    await Promise.all(sims.map((s) => s.close()));
  }
}
