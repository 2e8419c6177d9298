/**
 * The engine as the UI sees it: every contract channel implemented over a workspace folder, runs executed in
 * the background with their progress pushed as events, and images / report files resolved by id.
 *
 * This file only composes. The handlers are split by domain (handlers/settings, suites, runs, review, files),
 * each a part of the one `Handlers` map that goes to the one dispatcher (core/rpc.ts); the services they share
 * (context.ts) are the workspace files, the suite catalogue, the run registry and the run executor.
 *
 * Workspace layout: runs/<run id>/ (run folders), suites/*.yaml (the user's suites), settings.json,
 * opened-runs.json (run folders made elsewhere that the user opened).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNELS } from '../../shared/contract.ts';
import { runsDir } from '../engine/workspace.ts';
import { createDispatcher, type Handlers } from '../rpc.ts';
import type { AppContext } from './context.ts';
import { createEventBus } from './events.ts';
import { compareHandlers } from './handlers/compare.ts';
import { fileResolver, filesHandlers } from './handlers/files.ts';
import { reviewHandlers } from './handlers/review.ts';
import { runsHandlers } from './handlers/runs.ts';
import { settingsHandlers } from './handlers/settings.ts';
import { suitesHandlers } from './handlers/suites.ts';
import { summaryHandlers } from './handlers/summary.ts';
import { sweepsHandlers } from './handlers/sweeps.ts';
import { createRunExecutor } from './run-execution.ts';
import { createRunRegistry } from './run-registry.ts';
import { createSuiteCatalogue } from './suite-catalogue.ts';
import { createSweepRegistry } from './sweep-registry.ts';
import type { CoreApp, CoreAppOptions } from './types.ts';
import { workspaceFiles } from './workspace-files.ts';
import { printWithChromium } from './print-pdf.ts';

export type { CoreApp } from './types.ts';

/** The suites that ship with Omni Review (the demo and smoke suites). */
const BUNDLED_SUITES_DIR = fileURLToPath(new URL('../../fixtures/suites/', import.meta.url));

export interface CoreAppExtraOptions extends CoreAppOptions {
  /** Folders searched for suites (default: the bundled fixtures/suites and <workspace>/suites). */
  suiteDirs?: string[];
  /** Minimum ms between two run-updated events of one run (default 250). */
  eventIntervalMs?: number;
}

export async function createCoreApp(options: CoreAppExtraOptions): Promise<CoreApp> {
  const workspace = resolve(options.workspace);
  await mkdir(runsDir(workspace), { recursive: true });

  const suiteDirs = options.suiteDirs ?? [BUNDLED_SUITES_DIR, join(workspace, 'suites')];
  const events = createEventBus();
  const files = workspaceFiles(workspace);
  const runs = createRunRegistry(workspace);
  const ctx: AppContext = {
    workspace,
    mode: options.mode,
    printPdf: options.printPdf ?? printWithChromium,
    events,
    files,
    suites: createSuiteCatalogue(suiteDirs, join(workspace, 'suites'), [workspace, ...suiteDirs]),
    runs,
    sweeps: createSweepRegistry({
      workspace,
      events,
      eventIntervalMs: options.eventIntervalMs ?? 250,
      ...(options.simTimeScale === undefined ? {} : { simTimeScale: options.simTimeScale }),
    }),
    executor: createRunExecutor(runs, events, {
      eventIntervalMs: options.eventIntervalMs ?? 250,
      ...(options.simTimeScale === undefined ? {} : { simTimeScale: options.simTimeScale }),
      ...(options.compareWorkerUrl ? { compareWorkerUrl: options.compareWorkerUrl } : {}),
      ...(options.ocrReader ? { ocrReader: options.ocrReader } : {}),
      ...(options.ocrWorkerUrl ? { ocrWorkerUrl: options.ocrWorkerUrl } : {}),
      ocrEnabled: async () => (await files.loadSettings()).ocr !== false,
    }),
  };

  const handlers: Handlers = {
    ...settingsHandlers(ctx),
    ...suitesHandlers(ctx),
    ...runsHandlers(ctx),
    ...reviewHandlers(ctx),
    ...filesHandlers(ctx),
    ...compareHandlers(ctx, options.compareWorkerUrl),
    ...summaryHandlers(ctx),
    ...sweepsHandlers(ctx),
  };
  // Every channel of the contract has a handler: a missing one is a compile error above, a renamed one here.
  for (const channel of CHANNELS) if (!(channel in handlers)) throw new Error(`no handler for ${channel}`);

  await runs.refresh(await files.openedDirs());

  let closed = false;
  return {
    dispatcher: createDispatcher(handlers),
    subscribe: events.subscribe,
    ...fileResolver(runs),
    async close() {
      if (closed) return;
      closed = true;
      const running = runs.all().filter((h) => h.active);
      for (const h of running) h.active?.controller.abort(new Error('the app is closing'));
      await Promise.all(running.map((h) => h.active?.done));
      await ctx.sweeps.close();
      for (const h of runs.all()) h.store.close();
      events.clear();
    },
  };
}
