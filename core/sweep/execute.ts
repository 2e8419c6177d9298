/**
 * Creating and running a sweep folder: spec + backends → sweep.sqlite → point by point, side by side (A then B;
 * both at once only with `bothAtOnce`), each point through the load generator (core/load), each finished request
 * saved at once, and the sweep's reports written beside it at the end (core/sweep/report.ts). The CLI's `sweep` and
 * the app's `sweeps:start` both call these.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Side } from '../../shared/model.ts';
import { sweepPoints, type SweepPoint, type SweepProgress, type SweepRequestRecord, type SweepResult, type SweepState } from '../../shared/sweep.ts';
import { createAdapter } from '../backends/index.ts';
import { parseFaultSpec, startSimServer } from '../backends/sim/index.ts';
import type { SimServer } from '../backends/sim/types.ts';
import type { BackendAdapter, ImageRequest, InputImage } from '../backends/types.ts';
import { backendConfig, type BackendSpec } from '../engine/create-run.ts';
import { explainEmbeddedSimErrors } from '../engine/embedded-sim.ts';
import { BackendUnavailableError } from '../engine/errors.ts';
import { hashString } from '../../shared/hash.ts';
import { runLoad, type LoadItem, type LoadResult } from '../load/generator.ts';
import { buildPrompt } from './prompt.ts';
import { isComplete, sweepProgress, sweepResult, type SweepStatus } from './results.ts';
import { writeSweepReports, type SweepReportFiles } from './report.ts';
import type { LoadedSweepSpec } from './spec.ts';
import { openSweepStore, type SweepConfig, type SweepStore } from './store.ts';

export interface CreateSweepOptions {
  loaded: LoadedSweepSpec;
  specSource: string;
  dir: string;
  id: string;
  backends: Record<Side, Pick<BackendSpec, 'target' | 'kind' | 'faults'>>;
  sides: Side[];
  bothAtOnce: boolean;
  simTimeScale: number | null;
  now?: Date;
}

const EXT: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif', tiff: 'tiff' };
const MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', tiff: 'image/tiff' };

/** A new sweep folder: the configuration, and copies of the input images (so a resume never reads outside it). */
export async function createSweep(o: CreateSweepOptions): Promise<SweepStore> {
  const side = (s: Side) => {
    const c = backendConfig(s, { ...o.backends[s], concurrency: 1, timeoutMs: o.loaded.spec.timeoutMs });
    return { kind: c.kind, target: c.target, simulated: c.simulated, label: c.label, faults: c.faults };
  };
  const backends = { A: side('A'), B: side('B') };
  const inputs: SweepConfig['inputs'] = [];
  const copies: Array<{ file: string; bytes: Buffer }> = [];
  for (const input of o.loaded.inputs) {
    const bytes = await readFile(input.info.path);
    const file = `inputs/${createHash('sha256').update(bytes).digest('hex')}.${EXT[input.info.format] ?? 'img'}`;
    inputs.push({ written: input.written, file, mime: MIME[input.info.format] ?? 'application/octet-stream' });
    copies.push({ file, bytes });
  }
  const anySim = backends.A.simulated || backends.B.simulated;
  const config: SweepConfig = {
    id: o.id,
    createdAt: (o.now ?? new Date()).toISOString(),
    spec: o.loaded.spec,
    specSource: o.specSource,
    inputs,
    backends,
    sides: o.sides,
    bothAtOnce: o.bothAtOnce,
    simTimeScale: anySim ? o.simTimeScale : null,
  };
  await mkdir(path.join(o.dir, 'inputs'), { recursive: true });
  for (const c of copies) await writeFile(path.join(o.dir, c.file), c.bytes);
  const store = await openSweepStore(o.dir, { create: config });
  store.setState('partial', null);
  return store;
}

export interface ExecuteSweepOptions {
  signal: AbortSignal;
  healthDeadlineMs?: number;
  /** Progress: called as requests finish and as points start (not more than a few times a second is the caller's job). */
  onProgress?: (progress: SweepProgress) => void;
  onLog?: (line: string) => void;
  /** Called after each saved request (tests count, the app pushes events). */
  onRecord?: (record: SweepRequestRecord) => void;
}

export interface SweepOutcome {
  state: SweepState;
  files: SweepReportFiles;
  result: SweepResult;
  progress: SweepProgress;
}

interface Side_ {
  adapter: BackendAdapter;
  sim: SimServer | null;
  label: string;
}

async function openSide(store: SweepStore, side: Side, o: ExecuteSweepOptions): Promise<Side_> {
  const cfg = store.config.backends[side];
  let sim: SimServer | null = null;
  let url = cfg.target;
  if (cfg.simulated) {
    sim = await startSimServer({
      kind: cfg.kind,
      faults: parseFaultSpec(cfg.faults),
      ...(store.config.simTimeScale === null ? {} : { timeScale: store.config.simTimeScale }),
    });
    url = sim.url;
  }
  const raw = createAdapter(cfg.kind, url);
  const adapter = sim ? explainEmbeddedSimErrors(raw, sim) : raw;
  try {
    await adapter.connect({
      signal: o.signal,
      ...(o.healthDeadlineMs === undefined ? {} : { healthDeadlineMs: o.healthDeadlineMs }),
      onWait: (m) => o.onLog?.(`${side}: ${m}`),
    });
  } catch (error) {
    adapter.close?.();
    await sim?.close();
    if (o.signal.aborted) throw error;
    throw new BackendUnavailableError(`${side} (${cfg.label}): ${(error as Error).message}`);
  }
  return { adapter, sim, label: `${side} (${cfg.label})` };
}

async function closeSide(s: Side_ | undefined): Promise<void> {
  if (!s) return;
  s.adapter.close?.();
  await s.sim?.close();
}

function items(config: SweepConfig): LoadItem[] {
  const { warmup, requests } = config.spec;
  return Array.from({ length: warmup + requests }, (_, index) => ({ index, warmup: index < warmup }));
}

/** Run every unfinished point and side of the folder, then write its reports. */
export async function executeSweep(store: SweepStore, o: ExecuteSweepOptions): Promise<SweepOutcome> {
  const { config } = store;
  const points = sweepPoints(config.spec.axes);
  const session = store.nextSession();
  const images: InputImage[] = [];
  for (const [i, input] of config.inputs.entries()) {
    const bytes = await readFile(path.join(store.dir, input.file));
    images.push({ bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), mime: input.mime, name: `input-${i}${path.extname(input.file)}` });
  }
  const all = store.records();
  const records: SweepRequestRecord[] = [...all];
  const status: SweepStatus = { state: 'running', message: null, current: null, etaMs: null };
  store.setState('running', null);
  const started = performance.now();
  const doneAtStart = records.length;
  const total = sweepProgress(config, records, status).requestsTotal;
  const progress = (): SweepProgress => {
    const sent = records.length - doneAtStart;
    const elapsed = performance.now() - started;
    status.etaMs = sent > 0 ? ((total - records.length) * elapsed) / sent : null;
    return sweepProgress(config, records, status);
  };

  const sides: Partial<Record<Side, Side_>> = {};
  let state: SweepState = 'partial';
  try {
    const runPointSide = async (point: SweepPoint, side: Side): Promise<void> => {
      const skip = store.finished(point.id, side);
      const list = items(config);
      if (list.every((i) => skip.has(i.index))) return;
      sides[side] ??= await openSide(store, side, o);
      const s = sides[side]!;
      status.current = { pointId: point.id, pointIndex: point.index, side };
      o.onProgress?.(progress());
      try {
        await runLoad({
          adapter: s.adapter,
          sideLabel: s.label,
          timeoutMs: config.spec.timeoutMs,
          signal: o.signal,
          concurrency: point.concurrency,
          requestRate: point.requestRate,
          burstiness: point.burstiness,
          seed: hashString(`arrivals|${config.spec.seed}|${point.id}|${side}|${session}`),
          items: list,
          skip,
          build: (item): ImageRequest => {
            const { prompt } = buildPrompt(point.promptTokens, hashString(`prompt|${point.id}|${item.index}`));
            return { prompt, seed: config.spec.seed, steps: config.spec.steps, size: config.spec.size, images, n: point.batch };
          },
          onResult: (r: LoadResult) => {
            const record = toRecord(point, side, session, r);
            store.saveRecord(record);
            records.push(record);
            o.onRecord?.(record);
            o.onProgress?.(progress());
          },
        });
      } finally {
        // Drop this side's idle keep-alive sockets: while the other side runs, a server closes them (5 s keep-alive
        // on the simulators, uvicorn's default too) and the next point would race that close (ECONNRESET).
        s.adapter.close?.();
      }
    };
    for (const point of points) {
      if (o.signal.aborted) break;
      if (config.bothAtOnce) await Promise.all(config.sides.map((side) => runPointSide(point, side)));
      else for (const side of config.sides) if (!o.signal.aborted) await runPointSide(point, side);
    }
    state = isComplete(config, records) ? 'complete' : o.signal.aborted ? 'cancelled' : 'partial';
  } catch (error) {
    state = o.signal.aborted ? 'cancelled' : 'failed';
    status.message = (error as Error).message;
    store.setState(state, status.message);
    throw error;
  } finally {
    await Promise.all([closeSide(sides.A), closeSide(sides.B)]);
    status.current = null;
    status.etaMs = null;
    if (state !== 'failed') {
      status.state = state;
      store.setState(state, o.signal.aborted ? String((o.signal.reason as Error | undefined)?.message ?? 'stopped') : null);
    }
  }
  status.state = state;
  status.message = store.state().message;
  const result = sweepResult(store.dir, config, records, status);
  const files = await writeSweepReports(store.dir, result, config);
  return { state, files, result, progress: result.summary.progress };
}

function toRecord(point: SweepPoint, side: Side, session: number, r: LoadResult): SweepRequestRecord {
  const base = {
    pointId: point.id,
    side,
    index: r.item.index,
    warmup: r.item.warmup,
    session,
    scheduledMs: r.scheduledMs,
    sentMs: r.sentMs,
    clientWaitMs: r.clientWaitMs,
    finishedAt: new Date().toISOString(),
  };
  const estimate = buildPrompt(point.promptTokens, hashString(`prompt|${point.id}|${r.item.index}`)).estimatedTokens;
  if (r.outcome.status === 'error') {
    return {
      ...base,
      status: 'error',
      error: r.outcome.error,
      e2eMs: r.outcome.e2eMs,
      stages: {},
      peakMemoryMb: null,
      images: 0,
      promptTokens: estimate,
      promptTokensSource: 'estimate',
      endpoint: '',
    };
  }
  const res = r.outcome.response;
  const reported = res.promptTokens ?? null;
  return {
    ...base,
    status: 'ok',
    e2eMs: res.e2eMs,
    stages: res.stages,
    ...(res.serverStageDurations ? { serverStageDurations: res.serverStageDurations } : {}),
    ...(res.serverTimings ? { serverTimings: res.serverTimings } : {}),
    peakMemoryMb: res.peakMemoryMb,
    images: res.imageCount ?? 1,
    promptTokens: reported ?? estimate,
    promptTokensSource: reported === null ? 'estimate' : 'server',
    endpoint: res.endpoint,
  };
}
