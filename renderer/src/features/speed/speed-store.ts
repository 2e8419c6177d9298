/**
 * The Speed screen's state: the sweeps the engine knows, the one open, its selected point and chart groups, and
 * starting a sweep. A small store of its own (vanilla zustand) beside the review store, talking to the engine only
 * through the one contract (`sweeps:list`, `sweeps:get`, `sweeps:specs`, `sweeps:start`, the `sweep-updated`
 * event). Unit-tested against the real engine through core/testing's in-process transport.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ReviewApi, SweepSpecEntry } from '../../../../shared/contract.ts';
import type { BackendKind } from '../../../../shared/model.ts';
import type { SweepResult, SweepSummary } from '../../../../shared/sweep.ts';
import { errorMessage } from '../../bridge/errors.ts';
import type { SweepAxis } from './speed-model.ts';

export interface StartSweepForm {
  spec: string;
  A: { target: string; kind: BackendKind };
  B: { target: string; kind: BackendKind };
  sides: Array<'A' | 'B'>;
}

export interface SpeedState {
  loaded: boolean;
  sweeps: SweepSummary[];
  specs: SweepSpecEntry[];
  selectedId: string | null;
  result: SweepResult | null;
  /** Why the list or the open sweep could not be read (shown in place, with the engine's words). */
  error: string | null;
  loadingResult: boolean;
  selectedPointId: string | null;
  /** Per chart axis, which combination of the other axes is drawn (AxisGroup.key). */
  groups: Partial<Record<SweepAxis, string>>;
  starting: boolean;
  startError: string | null;
  openError: string | null;

  init(): Promise<void>;
  dispose(): void;
  select(sweepId: string): Promise<void>;
  refresh(): Promise<void>;
  selectPoint(pointId: string | null): void;
  setGroup(axis: SweepAxis, key: string): void;
  start(form: StartSweepForm): Promise<boolean>;
  /** List a sweep folder made elsewhere (`omni-review sweep --out DIR`) and open it. */
  openFolder(dir: string): Promise<boolean>;
}

export type SpeedStore = StoreApi<SpeedState>;

export function createSpeedStore(api: ReviewApi): SpeedStore {
  let unsubscribe: (() => void) | null = null;
  // Only the latest sweeps:get answer is applied (a slow older one must not overwrite a newer selection).
  let loadSeq = 0;
  let refetchQueued = false;

  return createStore<SpeedState>()((set, get) => {
    async function load(sweepId: string): Promise<void> {
      const seq = ++loadSeq;
      set({ loadingResult: true });
      try {
        const result = await api.call('sweeps:get', { sweepId });
        if (seq !== loadSeq) return;
        const keep = get().selectedPointId;
        set({
          result,
          loadingResult: false,
          error: null,
          selectedPointId: keep !== null && result.points.some((p) => p.point.id === keep) ? keep : (result.points[0]?.point.id ?? null),
        });
      } catch (err) {
        if (seq !== loadSeq) return;
        set({ loadingResult: false, error: `Could not read sweep ${sweepId}: ${errorMessage(err)}` });
      }
    }

    return {
      loaded: false,
      sweeps: [],
      specs: [],
      selectedId: null,
      result: null,
      error: null,
      loadingResult: false,
      selectedPointId: null,
      groups: {},
      starting: false,
      startError: null,
      openError: null,

      async init() {
        unsubscribe?.();
        unsubscribe = api.subscribe((event) => {
          if (event.type !== 'sweep-updated') return;
          const s = event.sweep;
          const list = get().sweeps;
          const i = list.findIndex((x) => x.id === s.id);
          set({ sweeps: i === -1 ? [s, ...list] : list.map((x) => (x.id === s.id ? s : x)) });
          // Re-read the open sweep's figures as its points finish; one read at a time, the last event wins.
          if (s.id === get().selectedId && !refetchQueued) {
            refetchQueued = true;
            queueMicrotask(() => {
              refetchQueued = false;
              void load(s.id);
            });
          }
        });
        try {
          const [listed, specs] = await Promise.all([api.call('sweeps:list', {}), api.call('sweeps:specs', {})]);
          // A sweep opened or started while the list was on its way stays listed (the answer may predate it).
          const sweeps = [...get().sweeps.filter((s) => !listed.some((l) => l.id === s.id)), ...listed];
          set({ sweeps, specs, loaded: true, error: null });
          const first = get().selectedId ?? sweeps[0]?.id ?? null;
          if (first !== null) await get().select(first);
        } catch (err) {
          set({ loaded: true, error: `Could not list sweeps: ${errorMessage(err)}` });
        }
      },

      dispose() {
        unsubscribe?.();
        unsubscribe = null;
        loadSeq++;
      },

      async select(sweepId) {
        if (get().selectedId !== sweepId) set({ selectedId: sweepId, result: null, selectedPointId: null, groups: {} });
        await load(sweepId);
      },

      async refresh() {
        try {
          set({ sweeps: await api.call('sweeps:list', {}) });
        } catch (err) {
          set({ error: `Could not list sweeps: ${errorMessage(err)}` });
        }
        const id = get().selectedId;
        if (id !== null) await load(id);
      },

      selectPoint(pointId) {
        set({ selectedPointId: pointId });
      },

      setGroup(axis, key) {
        set({ groups: { ...get().groups, [axis]: key } });
      },

      async start(form) {
        if (!form.spec) {
          set({ startError: 'Pick a sweep spec first.' });
          return false;
        }
        set({ starting: true, startError: null });
        try {
          const summary = await api.call('sweeps:start', {
            spec: { source: 'path', path: form.spec },
            A: { target: form.A.target, kind: form.A.kind },
            B: { target: form.B.target, kind: form.B.kind },
            sides: form.sides,
          });
          const list = get().sweeps.filter((s) => s.id !== summary.id);
          set({ starting: false, sweeps: [summary, ...list] });
          await get().select(summary.id);
          return true;
        } catch (err) {
          set({ starting: false, startError: `Sweep not started: ${errorMessage(err)}` });
          return false;
        }
      },

      async openFolder(dir) {
        const trimmed = dir.trim();
        if (!trimmed) {
          set({ openError: 'Type the folder that omni-review sweep --out wrote.' });
          return false;
        }
        try {
          const summary = await api.call('sweeps:open', { dir: trimmed });
          set({ openError: null, sweeps: [summary, ...get().sweeps.filter((s) => s.id !== summary.id)] });
          await get().select(summary.id);
          return true;
        } catch (err) {
          set({ openError: `Could not open ${trimmed}: ${errorMessage(err)}` });
          return false;
        }
      },
    };
  });
}
