/** Channels of runs: list, start, cancel, resume and open run folders. */
import { dirname, join, resolve } from 'node:path';
import type { BackendTarget } from '../../../shared/contract.ts';
import { SIM_URL, type Side } from '../../../shared/model.ts';
import { parseBackendTarget } from '../../engine/backend-target.ts';
import { createRun, type BackendSpec } from '../../engine/create-run.ts';
import { RunInputError } from '../../engine/errors.ts';
import { newRunId, runsDir } from '../../engine/workspace.ts';
import { RpcError, type Handlers } from '../../rpc.ts';
import { isRunFolder } from '../../store/run-store.ts';
import type { RunStore } from '../../store/types.ts';
import type { AppContext } from '../context.ts';
import type { RunHandle } from '../run-registry.ts';

type RunChannels = 'runs:list' | 'runs:get' | 'runs:start' | 'runs:cancel' | 'runs:resume' | 'runs:open';

function backendSpec(side: Side, t: BackendTarget, timeoutMs: number): BackendSpec {
  let target: string;
  try {
    target = parseBackendTarget(side, t.target);
  } catch (err) {
    throw new RpcError('bad-request', `${side}: ${(err as Error).message.replace(/^[AB]: /, '')}`);
  }
  return { target, kind: t.kind, faults: target === SIM_URL ? t.faults : '', concurrency: t.concurrency, timeoutMs };
}

export function runsHandlers(ctx: AppContext): Pick<Handlers, RunChannels> {
  const { runs, executor } = ctx;
  return {
    'runs:list': async () => {
      await runs.refresh(await ctx.files.openedDirs());
      return runs.all().map(runs.summary).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    'runs:get': async ({ runId }) => runs.summary(runs.get(runId)),
    'runs:start': async (req) => {
      const { loaded, source } = await ctx.suites.load(req.suite);
      const runId = newRunId(loaded.suite.name);
      const dir = join(runsDir(ctx.workspace), runId);
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
        if (err instanceof RunInputError) throw new RpcError('bad-request', err.message);
        throw err;
      }
      const h: RunHandle = { id: runId, dir: store.dir, store, locked: true, active: null, lastState: null, lastMessage: null };
      runs.add(h);
      executor.execute(h);
      return runs.summary(h);
    },
    'runs:cancel': async ({ runId }) => {
      const h = runs.get(runId);
      if (!h.active) throw new RpcError('conflict', `run ${runId} is not running`);
      // Answer once the run has really stopped (in-flight requests aborted, results saved, partial report
      // written, lock handed back), so a Resume pressed right after cannot find it still running.
      await executor.cancel(h, 'cancelled from the UI');
      return runs.summary(h);
    },
    'runs:resume': async ({ runId }) => {
      const h = runs.get(runId);
      if (h.active) throw new RpcError('conflict', `run ${runId} is already running`);
      await executor.lockAndExecute(h);
      return runs.summary(h);
    },
    'runs:open': async ({ dir }) => {
      const abs = resolve(dir);
      if (!(await isRunFolder(abs))) throw new RpcError('not-found', `${abs} is not a run folder (no run.sqlite inside)`);
      const h = await runs.register(abs);
      const list = await ctx.files.openedDirs();
      if (!list.includes(abs) && dirname(abs) !== runsDir(ctx.workspace)) await ctx.files.saveOpenedDirs([...list, abs]);
      return runs.summary(h);
    },
  };
}
