/** The runs slice: the run list and suites, starting / cancelling / resuming / opening runs, exporting. */
import { errorMessage } from '../../bridge/errors.ts';
import { upsertRun } from '../selectors.ts';
import type { AsyncState, ExportState, RunsSlice, SliceContext, SuiteCheckState } from '../types.ts';

const IDLE: AsyncState = { status: 'idle', message: null };
const NO_CHECK: SuiteCheckState = { status: 'idle', fileName: null, text: null, suite: null, error: null };
export const NO_EXPORT: ExportState = { status: 'idle', format: null, file: null, path: null, url: null, message: null };

export function createRunsSlice(ctx: SliceContext): RunsSlice {
  const { api, set, get } = ctx;

  /** Cancel or resume: the run row is busy meanwhile, a failure becomes a notice naming the action. */
  async function runAction(runId: string, channel: 'runs:cancel' | 'runs:resume', action: string): Promise<void> {
    set({ busyRuns: [...get().busyRuns, runId] });
    try {
      const run = await api.call(channel, { runId });
      set({ runs: upsertRun(get().runs, run) });
    } catch (error) {
      set({ notice: { kind: 'error', text: `${action} failed: ${errorMessage(error)}` } });
    } finally {
      set({ busyRuns: get().busyRuns.filter((id) => id !== runId) });
    }
  }

  return {
    runs: [],
    suites: [],
    runsError: null,
    suiteCheck: NO_CHECK,
    startState: IDLE,
    openState: IDLE,
    busyRuns: [],
    exportState: NO_EXPORT,

    async refreshRuns() {
      try {
        const runs = await api.call('runs:list', {});
        set({ runs, runsError: null });
      } catch (error) {
        set({ runsError: errorMessage(error) });
      }
    },

    async checkSuite(text, fileName) {
      set({ suiteCheck: { status: 'checking', fileName, text, suite: null, error: null } });
      try {
        const result = await api.call('suites:check', { text, fileName });
        if (get().suiteCheck.text !== text) return;
        set({
          suiteCheck: result.ok
            ? { status: 'ok', fileName, text, suite: result.suite, error: null }
            : { status: 'error', fileName, text, suite: null, error: result.error },
        });
      } catch (error) {
        set({ suiteCheck: { status: 'error', fileName, text, suite: null, error: errorMessage(error) } });
      }
    },
    clearSuiteCheck() {
      set({ suiteCheck: NO_CHECK });
    },

    async startRun(request) {
      set({ startState: { status: 'working', message: null } });
      try {
        const run = await api.call('runs:start', request);
        set({ runs: upsertRun(get().runs, run), startState: IDLE, notice: { kind: 'info', text: `Started run ${run.id} (${run.suiteName}).` } });
        return run;
      } catch (error) {
        set({ startState: { status: 'error', message: errorMessage(error) } });
        return null;
      }
    },

    cancelRun: (runId) => runAction(runId, 'runs:cancel', 'Cancel'),
    resumeRun: (runId) => runAction(runId, 'runs:resume', 'Resume'),

    async openRunFolder(dir) {
      set({ openState: { status: 'working', message: null } });
      try {
        const run = await api.call('runs:open', { dir });
        set({ runs: upsertRun(get().runs, run), openState: IDLE });
        return run;
      } catch (error) {
        set({ openState: { status: 'error', message: errorMessage(error) } });
        return null;
      }
    },

    async exportRun(format) {
      const runId = get().runId;
      if (runId === null) return;
      set({ exportState: { status: 'working', format, file: null, path: null, url: null, message: null } });
      try {
        const result = await api.call('runs:export', { runId, format });
        set({ exportState: { status: 'done', format, file: result.file, path: result.path, url: api.fileUrl(runId, result.file), message: null } });
      } catch (error) {
        set({ exportState: { status: 'error', format, file: null, path: null, url: null, message: errorMessage(error) } });
      }
    },
  };
}

/** A run-updated event: the run's row is replaced (or added). */
export function applyRunEvent(ctx: SliceContext, run: Parameters<typeof upsertRun>[1]): void {
  ctx.set({ runs: upsertRun(ctx.get().runs, run) });
}
