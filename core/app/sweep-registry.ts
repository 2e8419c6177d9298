/**
 * The app's sweeps (issue 12): the spec files it offers (bundled fixtures/sweeps and <workspace>/sweep-specs), the
 * sweep folders it knows (<workspace>/sweeps/* and folders opened this session), and the sweeps running in the
 * background, each with its AbortController and a throttled `sweep-updated` event. Sweeps run through the same
 * engine as the CLI's `sweep` (core/sweep/execute.ts).
 */
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedRequestOf, SweepSpecEntry } from '../../shared/contract.ts';
import { sweepPoints, type SweepResult, type SweepSummary } from '../../shared/sweep.ts';
import { parseBackendTarget } from '../engine/backend-target.ts';
import { RunInputError } from '../engine/errors.ts';
import { RpcError } from '../rpc.ts';
import { createSweep, executeSweep } from '../sweep/execute.ts';
import { sweepResult, sweepSummary, type SweepStatus } from '../sweep/results.ts';
import { loadSweepSpecFile, parseSweepSpecText, type LoadedSweepSpec } from '../sweep/spec.ts';
import { isSweepFolder, openSweepStore, type SweepStore } from '../sweep/store.ts';
import { newSweepId, sweepsDir } from '../sweep/workspace.ts';
import type { EventBus } from './events.ts';
import { createYamlCatalogue } from './yaml-catalogue.ts';

const BUNDLED_SWEEPS_DIR = fileURLToPath(new URL('../../fixtures/sweeps/', import.meta.url));

interface Active {
  controller: AbortController;
  store: SweepStore;
  status: SweepStatus;
  done: Promise<void>;
}

export interface SweepRegistry {
  specs(): Promise<SweepSpecEntry[]>;
  check(text: string, fileName: string): Promise<{ ok: true; spec: SweepSpecEntry } | { ok: false; error: string }>;
  list(): Promise<SweepSummary[]>;
  get(id: string): Promise<SweepResult>;
  start(req: ParsedRequestOf<'sweeps:start'>): Promise<SweepSummary>;
  cancel(id: string): Promise<SweepSummary>;
  resume(id: string): Promise<SweepSummary>;
  open(dir: string): Promise<SweepSummary>;
  close(): Promise<void>;
}

export interface SweepRegistryOptions {
  workspace: string;
  events: EventBus;
  simTimeScale?: number;
  eventIntervalMs: number;
  /** Folders searched for sweep specs (default: bundled fixtures/sweeps and <workspace>/sweep-specs). */
  specDirs?: string[];
}

function entry(path: string, loaded: LoadedSweepSpec): SweepSpecEntry {
  return { path, name: loaded.spec.name, points: sweepPoints(loaded.spec.axes).length, description: loaded.spec.description };
}

export function createSweepRegistry(o: SweepRegistryOptions): SweepRegistry {
  const specDirs = o.specDirs ?? [BUNDLED_SWEEPS_DIR, join(o.workspace, 'sweep-specs')];
  const droppedBaseDir = join(o.workspace, 'sweep-specs');
  /** Sweep id → folder. */
  const folders = new Map<string, string>();
  const opened = new Set<string>();
  const active = new Map<string, Active>();
  const lastEmit = new Map<string, number>();

  const catalogue = createYamlCatalogue({
    dirs: specDirs,
    loadFile: (abs) => loadSweepSpecFile(abs),
    parseText: parseSweepSpecText,
    entry,
    droppedBaseDir,
    suggestWithin: [o.workspace, ...specDirs],
    notFound: (path) => `sweep spec "${path}" is not in the list; refresh it, or drop the YAML file`,
  });
  const specs = (): Promise<SweepSpecEntry[]> => catalogue.list();

  async function refresh(): Promise<void> {
    const root = sweepsDir(o.workspace);
    let names: string[];
    try {
      names = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      names = [];
    }
    const dirs = [...names.map((n) => join(root, n)), ...opened];
    for (const dir of dirs) {
      if ([...folders.values()].includes(dir)) continue;
      if (!(await isSweepFolder(dir))) continue;
      try {
        const store = await openSweepStore(dir, { lock: false });
        folders.set(store.config.id, dir);
        store.close();
      } catch {
        // An unreadable folder is left out of the list; opening it by path says why.
      }
    }
  }

  async function summaryOf(id: string): Promise<SweepSummary> {
    const a = active.get(id);
    if (a) return sweepSummary(a.store.dir, a.store.config, a.store.records(), a.status);
    const dir = folders.get(id);
    if (!dir) throw new RpcError('not-found', `sweep ${id} is not known; refresh the list, or open its folder`);
    const store = await openSweepStore(dir, { lock: false });
    try {
      const saved = store.state();
      // A sweep folder left "running" by a process that died is resumable, not running.
      const state = saved.state === 'running' ? 'partial' : saved.state;
      return sweepSummary(dir, store.config, store.records(), { state, message: saved.message, current: null, etaMs: null });
    } finally {
      store.close();
    }
  }

  function emit(id: string, force: boolean): void {
    const now = Date.now();
    if (!force && now - (lastEmit.get(id) ?? 0) < o.eventIntervalMs) return;
    lastEmit.set(id, now);
    const a = active.get(id);
    if (!a) return;
    o.events.emit({ type: 'sweep-updated', sweep: sweepSummary(a.store.dir, a.store.config, a.store.records(), a.status) });
  }

  function run(store: SweepStore): Active {
    const controller = new AbortController();
    const status: SweepStatus = { state: 'running', message: null, current: null, etaMs: null };
    const id = store.config.id;
    const a: Active = { controller, store, status, done: Promise.resolve() };
    active.set(id, a);
    a.done = (async () => {
      try {
        const outcome = await executeSweep(store, {
          signal: controller.signal,
          onProgress: (p) => {
            status.current = p.current;
            status.etaMs = p.etaMs;
            emit(id, false);
          },
        });
        status.state = outcome.state;
        status.message = store.state().message;
      } catch (error) {
        status.state = controller.signal.aborted ? 'cancelled' : 'failed';
        status.message = (error as Error).message;
      } finally {
        status.current = null;
        status.etaMs = null;
        emit(id, true);
        active.delete(id);
        store.close();
        o.events.emit({ type: 'sweep-updated', sweep: await summaryOf(id).catch(() => sweepSummary(store.dir, store.config, [], status)) });
      }
    })();
    return a;
  }

  const target = (side: 'A' | 'B', raw: string): string => {
    try {
      return parseBackendTarget(side, raw);
    } catch (err) {
      throw new RpcError('bad-request', `${side}: ${(err as Error).message.replace(/^[AB]: /, '')}`);
    }
  };

  return {
    specs,
    async check(text, fileName) {
      const checked = await catalogue.check(text, fileName);
      return checked.ok ? { ok: true as const, spec: checked.entry } : checked;
    },
    async list() {
      await refresh();
      const out: SweepSummary[] = [];
      for (const id of folders.keys()) out.push(await summaryOf(id));
      return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async get(id) {
      const a = active.get(id);
      if (a) return sweepResult(a.store.dir, a.store.config, a.store.records(), a.status);
      if (!folders.has(id)) await refresh();
      const dir = folders.get(id);
      if (!dir) throw new RpcError('not-found', `sweep ${id} is not known; refresh the list, or open its folder`);
      const summary = await summaryOf(id);
      const store = await openSweepStore(dir, { lock: false });
      try {
        return sweepResult(dir, store.config, store.records(), { state: summary.state, message: summary.message, current: null, etaMs: null });
      } finally {
        store.close();
      }
    },
    async start(req) {
      const { loaded, source } = await catalogue.load(req.spec);
      const id = newSweepId(loaded.spec.name);
      const dir = join(sweepsDir(o.workspace), id);
      await mkdir(sweepsDir(o.workspace), { recursive: true });
      let store: SweepStore;
      try {
        store = await createSweep({
          loaded,
          specSource: source,
          dir,
          id,
          backends: {
            A: { target: target('A', req.A.target), kind: req.A.kind, faults: req.A.faults },
            B: { target: target('B', req.B.target), kind: req.B.kind, faults: req.B.faults },
          },
          sides: req.sides,
          bothAtOnce: false,
          simTimeScale: loaded.simTimeScale ?? o.simTimeScale ?? null,
        });
      } catch (err) {
        if (err instanceof RunInputError) throw new RpcError('bad-request', err.message);
        throw err;
      }
      folders.set(id, dir);
      const a = run(store);
      return sweepSummary(dir, store.config, [], a.status);
    },
    async cancel(id) {
      const a = active.get(id);
      if (!a) throw new RpcError('conflict', `sweep ${id} is not running`);
      a.controller.abort(new Error('cancelled from the UI'));
      await a.done;
      return summaryOf(id);
    },
    async resume(id) {
      if (active.has(id)) throw new RpcError('conflict', `sweep ${id} is already running`);
      if (!folders.has(id)) await refresh();
      const dir = folders.get(id);
      if (!dir) throw new RpcError('not-found', `sweep ${id} is not known; refresh the list, or open its folder`);
      const store = await openSweepStore(dir);
      const a = run(store);
      return sweepSummary(dir, store.config, store.records(), a.status);
    },
    async open(dir) {
      const abs = resolve(dir);
      if (!(await isSweepFolder(abs))) throw new RpcError('not-found', `${abs} is not a sweep folder (no sweep.sqlite inside)`);
      const store = await openSweepStore(abs, { lock: false });
      const id = store.config.id;
      store.close();
      opened.add(abs);
      folders.set(id, abs);
      return summaryOf(id);
    },
    async close() {
      const running = [...active.values()];
      for (const a of running) a.controller.abort(new Error('the app is closing'));
      await Promise.all(running.map((a) => a.done));
    },
  };
}
