/**
 * The folder seams of DESIGN "Shape" are mechanical: plant one violation of each kind in a real file inside the
 * repository (a gitignored `__boundary_probe__*` name, removed afterwards) and expect eslint.config.js, run
 * through ESLint's Node API exactly as `npm run lint` runs it, to report an error on the planted line; plant the
 * legal import next to it and expect no error at all.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const PROBE = `__boundary_probe__${process.pid}`;

let eslint: ESLint;
const planted: string[] = [];

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

afterEach(() => {
  for (const path of planted.splice(0)) rmSync(path, { force: true });
});

/** Write `source` to `<folder>/<probe>.<ext>` and lint it; returns the messages. */
async function lintProbe(folder: string, source: string, ext = 'ts'): Promise<ESLint.LintResult['messages']> {
  const path = join(ROOT, folder, `${PROBE}.${ext}`);
  mkdirSync(dirname(path), { recursive: true });
  planted.push(path);
  writeFileSync(path, source);
  const [result] = await eslint.lintFiles([path]);
  if (!result) throw new Error(`ESLint returned no result for ${path}`);
  return result.messages;
}

/** The boundary errors on line 1 (the planted statement); other rules (unused vars…) are not the point. */
function seamErrors(messages: ESLint.LintResult['messages']): string[] {
  return messages
    .filter((m) => m.severity === 2 && m.line === 1 && (m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-syntax'))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

interface Violation {
  name: string;
  folder: string;
  source: string;
  ext?: string;
}

const VIOLATIONS: Violation[] = [
  // (a) the sandboxed preload pulling main-process code (and with it node:path)
  { name: 'electron/preload imports electron/main', folder: 'electron/preload', source: "import '../main/urls.ts';\n" },
  { name: 'electron/preload imports a Node built-in', folder: 'electron/preload', source: "import 'node:path';\n" },
  { name: 'electron/preload imports core', folder: 'electron/preload', source: "import '../../core/version.ts';\n" },
  // (b) shared/ is shared + zod only
  { name: 'shared imports yaml', folder: 'shared', source: "import 'yaml';\n" },
  { name: 'shared imports commander', folder: 'shared', source: "import 'commander';\n" },
  { name: 'shared imports a Node built-in', folder: 'shared', source: "import 'node:fs';\n" },
  { name: 'shared imports core', folder: 'shared', source: "import '../core/version.ts';\n" },
  // (c) window.reviewApi only in renderer/src/bridge
  { name: 'window.reviewApi in a feature', folder: 'renderer/src/features', source: 'export const api = window.reviewApi;\n' },
  { name: "window['reviewApi'] in a feature", folder: 'renderer/src/features', source: "export const api = window['reviewApi'];\n" },
  { name: 'reviewApi destructured from window', folder: 'renderer/src', source: 'export const { reviewApi } = window;\n', ext: 'tsx' },
  // (d) electron/main importing the renderer (type-only too)
  { name: 'electron/main imports the renderer', folder: 'electron/main', source: "import '../../renderer/src/main.tsx';\n" },
  { name: 'electron/main type-imports the renderer', folder: 'electron/main', source: "export type { BridgeKind } from '../../renderer/src/bridge/index.ts';\n" },
  { name: 'electron/main imports the preload', folder: 'electron/main', source: "import '../preload/bridge.ts';\n" },
  // the other seams
  { name: 'core imports electron', folder: 'core', source: "import 'electron';\n" },
  { name: 'core imports react', folder: 'core/reports', source: "import 'react';\n" },
  { name: 'core imports the renderer', folder: 'core', source: "import '../renderer/src/lib/filter.ts';\n" },
  { name: 'core imports electron/main', folder: 'core/app', source: "import '../../electron/main/urls.ts';\n" },
  { name: "the report's browser script imports core", folder: 'core/reports/report-script', source: "import '../format.ts';\n" },
  { name: "the report's browser script imports shared", folder: 'core/reports/report-script', source: "import '../../../shared/model.ts';\n" },
  { name: 'core imports the report script (it inlines the generated bundle)', folder: 'core/reports', source: "import './report-script/filter.ts';\n" },
  { name: 'renderer imports core', folder: 'renderer/src/lib', source: "export type { Report } from '../../../core/reports/index.ts';\n" },
  { name: 'renderer imports a Node built-in', folder: 'renderer/src/lib', source: "import 'node:fs';\n" },
  { name: 'renderer imports electron', folder: 'renderer/src/bridge', source: "import 'electron';\n" },
  { name: 'renderer imports electron/main', folder: 'renderer/src/bridge', source: "import '../../../electron/main/urls.ts';\n" },
];

const LEGAL: Violation[] = [
  { name: 'shared imports zod and shared', folder: 'shared', source: "import { z } from 'zod';\nimport { MAX_SEED } from './model.ts';\nexport const probe = z.number().max(MAX_SEED);\n" },
  { name: 'the bridge reads window.reviewApi', folder: 'renderer/src/bridge', source: 'export const api = window.reviewApi;\n' },
  { name: 'renderer imports shared', folder: 'renderer/src/lib', source: "export type { Report } from '../../../shared/report.ts';\n" },
  { name: 'preload imports electron, shared and ipc-channels', folder: 'electron/preload', source: "export { contextBridge } from 'electron';\nexport { CHANNELS } from '../../shared/contract.ts';\nexport { RPC_CHANNEL } from '../ipc-channels.ts';\n" },
  { name: 'electron/main imports core, shared, node and electron', folder: 'electron/main', source: "export { TOOL_VERSION } from '../../core/version.ts';\nexport { CHANNELS } from '../../shared/contract.ts';\nexport { join } from 'node:path';\nexport { app } from 'electron';\n" },
  { name: "the report's browser script imports pair-index.ts", folder: 'core/reports/report-script', source: "export type { PairIndexEntry } from '../pair-index.ts';\n" },
  { name: 'core imports shared, node and npm', folder: 'core', source: "export { MAX_SEED } from '../shared/model.ts';\nexport { join } from 'node:path';\nexport { parse } from 'yaml';\n" },
];

describe('folder boundaries (eslint.config.js)', () => {
  it.each(VIOLATIONS)('rejects: $name', async ({ folder, source, ext }) => {
    const errors = seamErrors(await lintProbe(folder, source, ext));
    expect(errors.length, `no boundary error for ${folder}: ${source}`).toBeGreaterThan(0);
  });

  it.each(LEGAL)('accepts: $name', async ({ folder, source, ext }) => {
    const messages = await lintProbe(folder, source, ext);
    expect(messages.map((m) => `${m.line}:${m.ruleId}: ${m.message}`)).toEqual([]);
  });
});
