/**
 * The runs the app knows: one handle per run folder (those under <workspace>/runs and those the user opened),
 * each with its store, whether this app holds the run lock, and the state of an execution in progress. A run's
 * summary for the UI is made here.
 */
import { basename, resolve } from 'node:path';
import type { RunProgress, RunState, RunSummary } from '../../shared/contract.ts';
import { SIDES, pairKey } from '../../shared/model.ts';
import { progressOf } from '../../shared/progress.ts';
import { isSafeRunId, runsDir } from '../engine/workspace.ts';
import { RpcError } from '../rpc.ts';
import { listRunFolders, openRunStore } from '../store/run-store.ts';
import type { RunStore } from '../store/types.ts';

export interface ActiveRun {
  controller: AbortController;
  state: RunState;
  progress: RunProgress | null;
  message: string | null;
  done: Promise<void>;
}

export interface RunHandle {
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

export interface RunRegistry {
  /** Open (without the lock) and list a run folder; the same folder twice gives the same handle. */
  register(dir: string): Promise<RunHandle>;
  /** Add a run this app just created (its store holds the lock). */
  add(handle: RunHandle): void;
  /** Pick up run folders that appeared under <workspace>/runs or in the opened list. */
  refresh(extraDirs: readonly string[]): Promise<void>;
  /** The handle, or a `not-found` RpcError for the UI. */
  get(runId: string): RunHandle;
  find(runId: string): RunHandle | undefined;
  all(): RunHandle[];
  summary(handle: RunHandle): RunSummary;
}

/**
 * Progress of a run that is not executing here, from the statuses and comparisons its store holds. Nothing is
 * in flight then: a job a crash left `running` is pending (the scheduler sends it again on resume).
 */
function storedProgress(store: RunStore): RunProgress {
  return progressOf({
    jobs: store.jobs().map((j) => ({
      side: j.side,
      status: j.status === 'running' ? 'pending' : j.status,
      pairKey: pairKey(j.caseId, j.turn, j.repeat),
    })),
    compared: new Set(store.comparisons().map((c) => c.pairKey)),
  });
}

export function createRunRegistry(workspace: string): RunRegistry {
  const handles = new Map<string, RunHandle>();

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

  return {
    register,
    add(handle) {
      handles.set(handle.id, handle);
    },
    async refresh(extraDirs) {
      for (const dir of [...(await listRunFolders(runsDir(workspace))), ...extraDirs]) {
        try {
          await register(dir);
        } catch {
          // A damaged or vanished folder is left out of the list rather than failing it.
        }
      }
    },
    get(runId) {
      const h = handles.get(runId);
      if (!h) throw new RpcError('not-found', `unknown run "${runId}"; refresh the run list`);
      return h;
    },
    find: (runId) => handles.get(runId),
    all: () => [...handles.values()],
    summary(h) {
      const cfg = h.store.config;
      const backends = Object.fromEntries(
        SIDES.map((s) => {
          const b = cfg.backends[s];
          const info = h.store.serverInfo(s);
          const path = info ? `${info.generation}${info.editPath ? ` via ${info.editPath}` : ''}` : null;
          return [s, { kind: b.kind, label: b.label, url: b.url, simulated: b.simulated, path }];
        }),
      ) as RunSummary['backends'];
      const stored = storedProgress(h.store);
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
    },
  };
}
