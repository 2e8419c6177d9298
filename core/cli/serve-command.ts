/**
 * `omni-review serve`: browser mode. The same UI and contract as the desktop app, over loopback HTTP, until
 * Ctrl-C. Builds the UI first when it has never been built (a fresh clone), so the command just works.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoreApp } from '../app/index.ts';
import { defaultWorkspaceDir } from '../engine/workspace.ts';
import { startHttpHost } from '../host/http-host.ts';
import { UsageError, parseIntOption, parsePositiveNumberOption } from './args.ts';
import type { CliIo } from './io.ts';
import { waitForStopSignal } from './signals.ts';

export interface ServeCommandOptions {
  port: string;
  host: string;
  workspace?: string;
  simTimeScale: string;
  openRun?: string[];
}

export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Build the UI with the project's own electron-vite when out/renderer is missing. */
async function ensureUiBuilt(io: CliIo): Promise<void> {
  if (existsSync(resolve(RENDERER_DIR, 'index.html'))) return;
  const bin = resolve(PROJECT_DIR, 'node_modules/electron-vite/bin/electron-vite.js');
  if (!existsSync(bin)) {
    throw new UsageError(`the UI is not built (${RENDERER_DIR} is missing) and the build tools are not installed: run \`npm install\` then \`npm run build\``);
  }
  io.stderr.write('building the UI (first run, a few seconds)…\n');
  const code = await new Promise<number>((done) => {
    const child = spawn(process.execPath, [bin, 'build'], { cwd: PROJECT_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (c) => done(c ?? 1));
    child.on('error', () => done(1));
  });
  if (code !== 0 || !existsSync(resolve(RENDERER_DIR, 'index.html'))) {
    throw new UsageError('building the UI failed (see above); try `npm run build` to see the whole output');
  }
}

export async function serveCommand(o: ServeCommandOptions, io: CliIo): Promise<number> {
  const port = parseIntOption('--port', o.port, 0, 65535);
  if (!LOOPBACK.has(o.host)) {
    throw new UsageError(`--host ${o.host}: browser mode only binds loopback (127.0.0.1, localhost or ::1); it has no authentication`);
  }
  const simTimeScale = parsePositiveNumberOption('--sim-time-scale', o.simTimeScale, 0, 100);
  const workspace = resolve(o.workspace ?? defaultWorkspaceDir());
  await ensureUiBuilt(io);

  const app = await createCoreApp({ workspace, mode: 'browser', simTimeScale });
  for (const dir of o.openRun ?? []) {
    try {
      await app.dispatcher.dispatch('runs:open', { dir: resolve(dir) });
    } catch (err) {
      await app.close();
      throw new UsageError(`--open-run ${dir}: ${(err as Error).message}`);
    }
  }
  let host;
  try {
    host = await startHttpHost({ app, staticDir: RENDERER_DIR, host: o.host, port });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: already in use; pick another or use --port 0`);
    throw err;
  }
  io.stdout.write(`Omni Review is serving at ${host.url} (workspace ${workspace}); press Ctrl-C to stop\n`);

  await waitForStopSignal();
  io.stderr.write('stopping: running runs are left resumable…\n');
  await host.close();
  await app.close();
  return 0;
}
