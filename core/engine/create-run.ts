/**
 * createRun: suite + settings → a run folder (config, imported input images, planned jobs). The CLI's `run`
 * and the UI's `runs:start` both call it; executeRun (execute-run.ts) then runs the folder.
 */
import { readFile } from 'node:fs/promises';
import { SIM_URL, type BackendConfig, type BackendKind, type RunConfig, type RunParams, type Side, type Suite } from '../../shared/model.ts';
import { parseFaultSpec } from '../backends/sim/index.ts';
import { inspectImage } from '../store/image-file.ts';
import { imageIdOf, openRunStore } from '../store/run-store.ts';
import type { RunStore } from '../store/types.ts';
import type { LoadedSuite } from '../suite/load.ts';
import { RunInputError } from './errors.ts';
import { planJobs } from './plan.ts';

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

function backendLabel(kind: BackendKind, target: string): string {
  return target === SIM_URL ? `${KIND_NAMES[kind]} (simulated)` : `${KIND_NAMES[kind]} @ ${target}`;
}

/** The url recorded for a simulated backend: its port changes on every start, so we record what it is instead. */
const SIMULATOR_URL_LABEL = 'embedded simulator';

/** The checked record of one side (faults only for a simulator); the sweep (core/sweep) records its sides the same way. */
export function backendConfig(side: Side, spec: BackendSpec): BackendConfig {
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
  for (const [path, info] of spec.loaded.inputs) {
    // info.path is the checked file's real path (symlinks resolved at suite check).
    const bytes = new Uint8Array(await readFile(info.path));
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
