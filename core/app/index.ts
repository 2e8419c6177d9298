/**
 * The engine as the UI sees it: every contract channel implemented over a workspace folder, runs executed in
 * the background with their progress pushed as events, and images / report files resolved by id.
 *
 * Workspace layout: runs/<run id>/ (run folders), suites/*.yaml (the user's suites), settings.json,
 * opened-runs.json (run folders made elsewhere that the user opened).
 */
import { randomUUID } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHANNELS,
  SettingsSchema,
  type BackendTarget,
  type RunProgress,
  type RunState,
  type RunSummary,
  type Settings,
  type SuiteEntry,
  type UiEvent,
} from '../../shared/contract.ts';
import { SIDES, SIM_URL, pairKey, type Side, type Verdict } from '../../shared/model.ts';
import { UsageError, parseTargetOption } from '../cli/args.ts';
import { RunInputError, createRun, executeRun, progressForDisplay, reportFromStore } from '../engine/run-session.ts';
import { isSafeRunId, newRunId, runsDir } from '../engine/workspace.ts';
import { writeFileAtomic, writeReports } from '../reports/write.ts';
import { RpcError, createDispatcher, type Handlers } from '../rpc.ts';
import { isRunFolder, listRunFolders, openRunStore } from '../store/run-store.ts';
import type { RunStore } from '../store/types.ts';
import type { LoadedSuite } from '../suite/load.ts';
// Off the main thread: a large suite must not stall every other request (issue 9).
import { loadSuiteFileOffThread as loadSuiteFile, parseSuiteTextOffThread as parseSuiteText } from '../suite/load-off-thread.ts';
import { SuiteError } from '../suite/suite-error.ts';
import { TOOL_VERSION } from '../version.ts';
import { buildPairViews } from './pair-views.ts';
import { ensurePreview, isPreviewSide, previewRelPath } from './previews.ts';
import type { CoreApp, CoreAppOptions, ResolvedFile } from './types.ts';

export type { CoreApp, CoreAppOptions, ResolvedFile } from './types.ts';

/** The suites that ship with Omni Review (the demo and smoke suites). */
export const BUNDLED_SUITES_DIR = fileURLToPath(new URL('../../fixtures/suites/', import.meta.url));
const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

const DEFAULT_SETTINGS: Settings = { reviewer: '', blindByDefault: false };
const IMAGE_ID = /^[0-9a-f]{64}$/;
/** The files of a run folder the UI may open: the reports and the images they link to. Nothing else. */
const RUN_FILE = /^(?:report\.(?:html|json|csv)|junit\.xml|images\/[0-9a-f]{2}\/[0-9a-f]{64}\.(?:png|jpg|webp))$/;
const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

interface ActiveRun {
  controller: AbortController;
  state: RunState;
  progress: RunProgress | null;
  message: string | null;
  done: Promise<void>;
}

interface RunHandle {
  id: string;
  dir: string;
  store: RunStore;
  /** True while `store` holds the run lock (this app is executing the run). */
  locked: boolean;
  active: ActiveRun | null;
  /** Outcome of the last execution in this app, until the run is listed fresh. */
  lastState: RunState | null;
  lastMessage: string | null;
}

export interface CoreAppExtraOptions extends CoreAppOptions {
  /** Folders searched for suites (default: the bundled fixtures/suites and <workspace>/suites). */
  suiteDirs?: string[];
  /** Minimum ms between two run-updated events of one run (default 250). */
  eventIntervalMs?: number;
}

function displaySuitePath(abs: string): string {
  const rel = relative(PROJECT_DIR, abs);
  return rel.startsWith('..') || rel.startsWith(sep) ? abs : rel.split(sep).join('/');
}

function suiteEntry(path: string, loaded: LoadedSuite): SuiteEntry {
  const categories: Record<string, number> = {};
  for (const c of loaded.suite.cases) categories[c.category] = (categories[c.category] ?? 0) + 1;
  return { path, name: loaded.suite.name, cases: loaded.suite.cases.length, categories, description: loaded.suite.description ?? null };
}

function progressFromStore(store: RunStore): RunProgress {
  const jobs = store.jobs();
  const side = (s: Side) => {
    const mine = jobs.filter((j) => j.side === s);
    const count = (...st: string[]) => mine.filter((j) => st.includes(j.status)).length;
    return { total: mine.length, done: count('ok', 'error', 'skipped'), ok: count('ok'), error: count('error', 'skipped'), running: 0 };
  };
  const okJobs = new Set(jobs.filter((j) => j.status === 'ok').map((j) => j.id));
  const pairs = new Set(jobs.map((j) => j.id.slice(0, j.id.lastIndexOf('#'))));
  const comparable = [...pairs].filter((p) => okJobs.has(`${p}#A`) && okJobs.has(`${p}#B`)).length;
  return { A: side('A'), B: side('B'), compare: { total: comparable, done: Math.min(comparable, store.comparisons().length) }, etaMs: null };
}

export async function createCoreApp(options: CoreAppExtraOptions): Promise<CoreApp> {
  const workspace = resolve(options.workspace);
  const settingsFile = join(workspace, 'settings.json');
  const openedFile = join(workspace, 'opened-runs.json');
  const suiteDirs = options.suiteDirs ?? [BUNDLED_SUITES_DIR, join(workspace, 'suites')];
  const eventInterval = options.eventIntervalMs ?? 250;
  await mkdir(runsDir(workspace), { recursive: true });

  const listeners = new Set<(event: UiEvent) => void>();
  const handles = new Map<string, RunHandle>();
  const suitePaths = new Map<string, string>();
  let closed = false;

  const emit = (event: UiEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // A broken subscriber (a closed window) must not stop the others or the run.
      }
    }
  };

  async function readJson<T>(file: string, fallback: T): Promise<unknown | T> {
    try {
      return JSON.parse(await readFile(file, 'utf8'));
    } catch {
      return fallback;
    }
  }

  async function loadSettings(): Promise<Settings> {
    const parsed = SettingsSchema.safeParse(await readJson(settingsFile, DEFAULT_SETTINGS));
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  async function openedDirs(): Promise<string[]> {
    const value = await readJson(openedFile, []);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  // ----- runs ---------------------------------------------------------------------------------------------

  async function register(dir: string): Promise<RunHandle> {
    const abs = resolve(dir);
    for (const h of handles.values()) if (h.dir === abs) return h;
    const store = await openRunStore(abs, { lock: false });
    let id = store.config.id;
    if (!isSafeRunId(id)) id = basename(abs);
    const existing = handles.get(id);
    if (existing && existing.dir !== abs) {
      store.close();
      throw new RpcError('conflict', `${abs} holds run ${id}, which is already listed from ${existing.dir}`);
    }
    const handle: RunHandle = { id, dir: abs, store, locked: false, active: null, lastState: null, lastMessage: null };
    handles.set(id, handle);
    return handle;
  }

  async function refreshRegistry(): Promise<void> {
    const dirs = [...(await listRunFolders(runsDir(workspace))), ...(await openedDirs())];
    for (const dir of dirs) {
      try {
        await register(dir);
      } catch {
        // A damaged or vanished folder is left out of the list rather than failing it.
      }
    }
  }

  function handleFor(runId: string): RunHandle {
    const h = handles.get(runId);
    if (!h) throw new RpcError('not-found', `unknown run "${runId}"; refresh the run list`);
    return h;
  }

  function summary(h: RunHandle): RunSummary {
    const cfg = h.store.config;
    const backends = Object.fromEntries(
      SIDES.map((s) => {
        const b = cfg.backends[s];
        const info = h.store.serverInfo(s);
        const path = info ? `${info.generation}${info.editPath ? ` via ${info.editPath}` : ''}` : null;
        return [s, { kind: b.kind, label: b.label, url: b.url, simulated: b.simulated, path }];
      }),
    ) as RunSummary['backends'];
    const stored = progressFromStore(h.store);
    const pending = stored.A.done < stored.A.total || stored.B.done < stored.B.total;
    const state: RunState = h.active ? h.active.state : (h.lastState ?? (pending ? 'partial' : 'complete'));
    const progress = h.active?.progress ? { ...h.active.progress } : stored;
    const reviewed = new Set(h.store.verdicts().map((v) => v.pairKey)).size;
    return {
      id: h.id,
      dir: h.dir,
      suiteName: cfg.suite.name,
      createdAt: cfg.createdAt,
      state,
      message: h.active?.message ?? h.lastMessage,
      backends,
      progress,
      pairs: stored.A.total,
      reviewed,
    };
  }

  function execute(h: RunHandle): void {
    const controller = new AbortController();
    const active: ActiveRun = { controller, state: 'starting', progress: null, message: null, done: Promise.resolve() };
    h.active = active;
    h.lastState = null;
    h.lastMessage = null;
    let lastEmit = 0;
    let timer: NodeJS.Timeout | null = null;
    const pendingKeys = new Set<string>();
    const flush = () => {
      timer = null;
      lastEmit = Date.now();
      if (pendingKeys.size) {
        emit({ type: 'pairs-changed', runId: h.id, pairKeys: [...pendingKeys] });
        pendingKeys.clear();
      }
      emit({ type: 'run-updated', run: summary(h) });
    };
    const schedule = () => {
      if (timer) return;
      const wait = Math.max(0, eventInterval - (Date.now() - lastEmit));
      timer = setTimeout(flush, wait);
    };
    active.done = executeRun(h.store, {
      signal: controller.signal,
      ...(options.simTimeScale === undefined ? {} : { simTimeScale: options.simTimeScale }),
      ...(options.compareWorkerUrl ? { compareWorkerUrl: options.compareWorkerUrl } : {}),
      onLog: (line) => {
        if (active.state === 'starting') active.message = line;
      },
      onEvent: (event) => {
        if (event.type === 'progress') {
          active.state = 'running';
          active.message = null;
          active.progress = progressForDisplay(event.progress);
        } else if (event.type === 'job-finished') {
          pendingKeys.add(event.result.jobId.slice(0, event.result.jobId.lastIndexOf('#')));
        } else if (event.type === 'comparison-done' || event.type === 'comparison-failed') {
          pendingKeys.add(event.pairKey);
        }
        schedule();
      },
    })
      .then((result) => {
        h.lastState = result.outcome.status === 'cancelled' ? 'cancelled' : 'complete';
        const failed = result.report.summary.errors.A + result.report.summary.errors.B;
        h.lastMessage = result.outcome.status === 'cancelled' ? 'cancelled; resume to send the rest' : failed ? `${failed} jobs failed` : null;
      })
      .catch((err: unknown) => {
        h.lastState = controller.signal.aborted ? 'cancelled' : 'failed';
        h.lastMessage = (err as Error).message;
      })
      .finally(async () => {
        if (timer) clearTimeout(timer);
        h.active = null;
        // Hand the lock back: from now on the run is only viewed (and resumable by anyone).
        if (h.locked) {
          h.store.close();
          h.store = await openRunStore(h.dir, { lock: false });
          h.locked = false;
        }
        flush();
      });
  }

  async function lockAndExecute(h: RunHandle): Promise<void> {
    let locked: RunStore;
    try {
      locked = await openRunStore(h.dir, { lock: true });
    } catch (err) {
      throw new RpcError('conflict', `cannot run ${h.id}: ${(err as Error).message}`);
    }
    h.store.close();
    h.store = locked;
    h.locked = true;
    execute(h);
  }

  function backendSpec(side: Side, t: BackendTarget, timeoutMs: number) {
    let target: string;
    try {
      target = parseTargetOption(side, t.target);
    } catch (err) {
      throw new RpcError('bad-request', `${side}: ${(err as Error).message.replace(/^[AB]: /, '')}`);
    }
    return { target, kind: t.kind, faults: target === SIM_URL ? t.faults : '', concurrency: t.concurrency, timeoutMs };
  }

  // ----- suites -------------------------------------------------------------------------------------------

  async function listSuites(): Promise<SuiteEntry[]> {
    const entries: SuiteEntry[] = [];
    suitePaths.clear();
    for (const dir of suiteDirs) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const abs = join(dir, name);
        try {
          const loaded = await loadSuiteFile(abs);
          const path = displaySuitePath(abs);
          suitePaths.set(path, abs);
          entries.push(suiteEntry(path, loaded));
        } catch {
          // Broken suites are not offered; `suites:check` or the CLI say what is wrong with them.
        }
      }
    }
    return entries;
  }

  async function loadRequestedSuite(req: Parameters<Handlers['runs:start']>[0]['suite']): Promise<{ loaded: LoadedSuite; source: string }> {
    try {
      if (req.source === 'path') {
        if (!suitePaths.size) await listSuites();
        const abs = suitePaths.get(req.path);
        if (!abs) throw new RpcError('not-found', `suite "${req.path}" is not in the suite list; refresh it, or drop the YAML file`);
        return { loaded: await loadSuiteFile(abs), source: req.path };
      }
      return {
        loaded: await parseSuiteText(req.text, { fileName: req.fileName, baseDir: join(workspace, 'suites') }),
        source: `${req.fileName} (dropped)`,
      };
    } catch (err) {
      if (err instanceof SuiteError) throw new RpcError('bad-request', err.describeAll());
      throw err;
    }
  }

  // ----- handlers -----------------------------------------------------------------------------------------

  const handlers: Handlers = {
    'app:get-info': async () => ({ version: TOOL_VERSION, workspace, mode: options.mode }),
    'settings:get': async () => loadSettings(),
    'settings:set': async (patch) => {
      const next = SettingsSchema.parse({ ...(await loadSettings()), ...patch, ...(patch.reviewer === undefined ? {} : { reviewer: patch.reviewer.trim() }) });
      await mkdir(workspace, { recursive: true });
      await writeFileAtomic(settingsFile, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    },
    'suites:list': async () => listSuites(),
    'suites:check': async ({ text, fileName }) => {
      try {
        const loaded = await parseSuiteText(text, { fileName, baseDir: join(workspace, 'suites') });
        return { ok: true as const, suite: suiteEntry(fileName, loaded) };
      } catch (err) {
        if (err instanceof SuiteError) return { ok: false as const, error: err.describeAll() };
        throw err;
      }
    },
    'runs:list': async () => {
      await refreshRegistry();
      return [...handles.values()].map(summary).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    'runs:get': async ({ runId }) => summary(handleFor(runId)),
    'runs:start': async (req) => {
      const { loaded, source } = await loadRequestedSuite(req.suite);
      const runId = newRunId(loaded.suite.name);
      const dir = join(runsDir(workspace), runId);
      let store: RunStore;
      try {
        store = await createRun({
          loaded,
          suiteSource: source,
          dir,
          runId,
          backends: { A: backendSpec('A', req.A, req.params.timeoutMs), B: backendSpec('B', req.B, req.params.timeoutMs) },
          params: {
            overrides: {
              ...(req.params.seed === undefined ? {} : { seed: req.params.seed }),
              ...(req.params.steps === undefined ? {} : { steps: req.params.steps }),
              ...(req.params.size === undefined ? {} : { size: req.params.size }),
            },
            repeats: req.params.repeats,
            retries: req.params.retries,
          },
        });
      } catch (err) {
        if (err instanceof RunInputError || err instanceof UsageError) throw new RpcError('bad-request', err.message);
        throw err;
      }
      const h: RunHandle = { id: runId, dir: store.dir, store, locked: true, active: null, lastState: null, lastMessage: null };
      handles.set(runId, h);
      execute(h);
      return summary(h);
    },
    'runs:cancel': async ({ runId }) => {
      const h = handleFor(runId);
      if (!h.active) throw new RpcError('conflict', `run ${runId} is not running`);
      const active = h.active;
      active.controller.abort(new Error('cancelled from the UI'));
      active.state = 'cancelled';
      emit({ type: 'run-updated', run: summary(h) });
      // Answer once the run has really stopped (in-flight requests aborted, results saved, partial report
      // written, lock handed back), so a Resume pressed right after cannot find it still running.
      await active.done;
      return summary(h);
    },
    'runs:resume': async ({ runId }) => {
      const h = handleFor(runId);
      if (h.active) throw new RpcError('conflict', `run ${runId} is already running`);
      await lockAndExecute(h);
      return summary(h);
    },
    'runs:open': async ({ dir }) => {
      const abs = resolve(dir);
      if (!(await isRunFolder(abs))) throw new RpcError('not-found', `${abs} is not a run folder (no run.sqlite inside)`);
      const h = await register(abs);
      const list = await openedDirs();
      if (!list.includes(abs) && dirname(abs) !== runsDir(workspace)) {
        await writeFileAtomic(openedFile, `${JSON.stringify([...list, abs], null, 2)}\n`);
      }
      return summary(h);
    },
    'pairs:list': async ({ runId }) => {
      const { store } = handleFor(runId);
      return buildPairViews({
        config: store.config,
        jobs: store.jobs(),
        results: store.results(),
        comparisons: store.comparisons(),
        verdicts: store.verdicts(),
      });
    },
    'verdicts:set': async (req) => {
      const h = handleFor(req.runId);
      const { reviewer } = await loadSettings();
      if (!reviewer) throw new RpcError('bad-request', 'set your reviewer name first (it is stored with every verdict)');
      const { suite, params } = h.store.config;
      const known = suite.cases.some((c) =>
        c.turns.some((_, t) => Array.from({ length: params.repeats }, (_, r) => pairKey(c.id, t + 1, r + 1)).includes(req.pairKey)),
      );
      if (!known) throw new RpcError('not-found', `run ${req.runId} has no pair "${req.pairKey}"`);
      const verdict: Verdict = {
        id: randomUUID(),
        pairKey: req.pairKey,
        reviewer,
        verdict: req.verdict,
        tags: [...new Set(req.tags)],
        note: req.note,
        blind: req.blind,
        swapped: req.swapped,
        durationMs: req.durationMs,
        createdAt: new Date().toISOString(),
      };
      h.store.addVerdict(verdict);
      emit({ type: 'pairs-changed', runId: h.id, pairKeys: [req.pairKey] });
      return verdict;
    },
    'verdicts:undo': async ({ runId, verdictId }) => {
      const h = handleFor(runId);
      const verdict = h.store.verdicts().find((v) => v.id === verdictId);
      if (!verdict || !h.store.deleteVerdict(verdictId)) throw new RpcError('not-found', `no verdict ${verdictId} in run ${runId}`);
      emit({ type: 'pairs-changed', runId, pairKeys: [verdict.pairKey] });
      return { ok: true as const };
    },
    'runs:export': async ({ runId, format }) => {
      const h = handleFor(runId);
      const written = await writeReports(reportFromStore(h.store), h.dir, format === 'json' ? ['json'] : ['json', format]);
      const path = written[format];
      if (!path) throw new RpcError('failed', `export of ${format} wrote nothing`);
      return { file: basename(path), path };
    },
  };
  // Every channel of the contract has a handler: a missing one is a compile error above, a renamed one here.
  for (const channel of CHANNELS) if (!(channel in handlers)) throw new Error(`no handler for ${channel}`);

  const dispatcher = createDispatcher(handlers);

  function resolveInRun(h: RunHandle, rel: string): ResolvedFile | null {
    const abs = resolve(h.dir, rel);
    // Containment checked on the resolved path; the patterns above already exclude "..", but be exact anyway.
    if (!abs.startsWith(h.dir + sep)) return null;
    try {
      const st = lstatSync(abs);
      if (!st.isFile()) return null;
    } catch {
      return null;
    }
    return { path: abs, mime: MIME[extname(abs)] ?? 'application/octet-stream' };
  }

  await refreshRegistry();

  return {
    dispatcher,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    resolveImage(runId, imageId) {
      const h = handles.get(runId);
      if (!h || !IMAGE_ID.test(imageId)) return null;
      const image = h.store.getImage(imageId);
      return image ? resolveInRun(h, image.relPath) : null;
    },
    async resolvePreview(runId, imageId, maxSide) {
      const h = handles.get(runId);
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
      const h = handles.get(runId);
      if (!h || !RUN_FILE.test(relPath)) return null;
      return resolveInRun(h, relPath);
    },
    async close() {
      if (closed) return;
      closed = true;
      const running = [...handles.values()].filter((h) => h.active);
      for (const h of running) h.active?.controller.abort(new Error('the app is closing'));
      await Promise.all(running.map((h) => h.active?.done));
      for (const h of handles.values()) h.store.close();
      listeners.clear();
    },
  };
}
