/**
 * `npm start`: build when out/ is missing or older than the sources, then open the desktop app; where the
 * Electron binary cannot be had (the electron package downloads it lazily from GitHub, which offline machines
 * cannot reach) say so in one line and serve the same UI in the browser with `omni-review serve` instead.
 *
 * It never downloads anything: requiring the electron package would (its index.js fetches a missing binary),
 * so the binary is located here by reading the package's own files. Options: `--browser` forces browser mode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------------
// Decisions (pure, unit-tested)
// ---------------------------------------------------------------------------------------------------------

export type ElectronLocation = { ok: true; binary: string } | { ok: false; reason: string };

export interface LocateDeps {
  /** Folder of the installed electron package, or null when it is not installed. */
  packageDir: string | null;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  exists(path: string): boolean;
  /** File contents, or null when unreadable. */
  readText(path: string): string | null;
}

/** The executable's path inside an unpacked Electron distribution, per platform. */
export function defaultExecutableName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * Where the Electron binary is, by the electron package's own rules (path.txt names the executable inside
 * its dist/ folder, ELECTRON_OVERRIDE_DIST_PATH replaces that folder), without triggering its download.
 */
export function locateElectronBinary(deps: LocateDeps): ElectronLocation {
  if (!deps.packageDir) return { ok: false, reason: 'the electron package is not installed; run npm install' };
  const recorded = deps.readText(join(deps.packageDir, 'path.txt'))?.trim() || null;
  const override = deps.env.ELECTRON_OVERRIDE_DIST_PATH?.trim();
  if (override) {
    const binary = join(override, recorded ?? defaultExecutableName(deps.platform));
    return deps.exists(binary) ? { ok: true, binary } : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${binary} does not exist` };
  }
  if (!recorded) {
    return {
      ok: false,
      reason: 'the electron package has no binary (node_modules/electron/path.txt is missing), and downloading one needs access to GitHub',
    };
  }
  const binary = join(deps.packageDir, 'dist', recorded);
  if (!deps.exists(binary)) return { ok: false, reason: `the Electron binary is missing at ${binary}; reinstall electron on a networked machine` };
  return { ok: true, binary };
}

export type LaunchPlan = { mode: 'electron'; binary: string } | { mode: 'browser'; reason: string };

export interface LaunchInput {
  electron: ElectronLocation;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
}

/** Electron when there is a binary and somewhere to show a window; otherwise browser mode, with the reason. */
export function decideLaunch({ electron, argv, env, platform }: LaunchInput): LaunchPlan {
  if (argv.includes('--browser')) return { mode: 'browser', reason: 'browser mode was asked for with --browser' };
  if (!electron.ok) return { mode: 'browser', reason: electron.reason };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { mode: 'browser', reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { mode: 'electron', binary: electron.binary };
}

/** The one line printed before browser mode starts. */
export function browserModeLine(plan: { reason: string }, url: string): string {
  const lead = plan.reason.startsWith('browser mode was asked for') ? 'Browser mode asked for' : `Electron is not available on this machine (${plan.reason})`;
  return `${lead}; serving the same UI in your browser at ${url}`;
}

/**
 * The address in the line `omni-review serve` prints once it listens ("Omni Review is serving at URL (…"),
 * or null for any other line. `npm start` announces browser mode only after that line, so the URL it prints
 * always answers.
 */
export function servingUrlFrom(line: string): string | null {
  const m = /^Omni Review is serving at (http:\/\/\S+)/.exec(line);
  return m ? m[1]! : null;
}

/**
 * Whether out/ must be (re)built: an output is missing, or a source is newer than the oldest output.
 * `outputMtimes` holds null for each missing output.
 */
export function isBuildStale(outputMtimes: ReadonlyArray<number | null>, newestSourceMtime: number): boolean {
  if (outputMtimes.length === 0 || outputMtimes.some((m) => m === null)) return true;
  return newestSourceMtime > Math.min(...(outputMtimes as number[]));
}

/** Our exit code for a child that ended with `code` or was killed by `signal` (the shell convention 128+n). */
export function exitCodeFor(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signal ? (numbers[signal] ?? 1) : 1);
}

// ---------------------------------------------------------------------------------------------------------
// Effects
// ---------------------------------------------------------------------------------------------------------

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** What the app needs from a build; their oldest mtime is compared with the sources'. */
const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/** What the build reads (tests, docs and e2e specs do not change it). */
const BUILD_INPUTS = ['electron', 'core', 'shared', 'renderer', 'electron.vite.config.ts', 'package.json'];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

export async function buildIsStale(): Promise<boolean> {
  const outputs = await Promise.all(BUILD_OUTPUTS.map((f) => stat(join(ROOT, f)).then((s) => s.mtimeMs, () => null)));
  let newestSource = 0;
  for (const input of BUILD_INPUTS) newestSource = Math.max(newestSource, await newestMtime(join(ROOT, input)));
  return isBuildStale(outputs, newestSource);
}

/** Run a child to completion with our stdio, forwarding SIGINT/SIGTERM; resolves to our exit code. */
function runForwarding(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveExit) => {
    const child: ChildProcess = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    settleWithForwardedSignals(child, command, resolveExit);
  });
}

/**
 * Forward SIGINT/SIGTERM to `child` until it exits (a second signal kills it at once), then resolve with our exit
 * code for its end; `beforeExit` runs first (e.g. to flush output still buffered).
 */
function settleWithForwardedSignals(child: ChildProcess, name: string, resolveExit: (code: number) => void, beforeExit?: () => void): void {
  let signals = 0;
  const forward = (signal: NodeJS.Signals) => {
    signals += 1;
    // A second Ctrl-C means "now": do not wait for a graceful shutdown.
    child.kill(signals > 1 ? 'SIGKILL' : signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.once('error', (error) => {
    console.error(`could not start ${name}: ${error.message}`);
    resolveExit(1);
  });
  child.once('exit', (code, signal) => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    beforeExit?.();
    resolveExit(exitCodeFor(code, signal));
  });
}

/**
 * `omni-review serve` on a port the OS picks, its stdout read line by line: the line saying where it listens
 * becomes our one browser-mode line (printed only then, so the address already answers); the rest passes through.
 */
function serveAnnounced(plan: { reason: string }, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'omni-review.mjs'), 'serve', '--host', '127.0.0.1', '--port', '0'], {
      cwd: ROOT,
      env,
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const url = servingUrlFrom(line);
        process.stdout.write(url ? `${browserModeLine(plan, url)}\n` : `${line}\n`);
      }
    });
    settleWithForwardedSignals(child, 'omni-review serve', resolveExit, () => {
      if (pending) process.stdout.write(pending);
    });
  });
}

function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  if (await buildIsStale()) {
    console.log('Building the app (out/ is missing or older than the sources)…');
    const cli = join(dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
    const built = await runForwarding(process.execPath, [cli, 'build'], process.env);
    if (built !== 0) {
      console.error(`The build failed (exit ${built}); fix the errors above and run npm start again.`);
      return built;
    }
  }

  const electron = locateElectronBinary({
    packageDir: electronPackageDir(),
    env: process.env,
    platform: process.platform,
    exists: existsSync,
    readText: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
  });
  const plan = decideLaunch({ electron, argv, env: process.env, platform: process.platform });

  if (plan.mode === 'electron') {
    const env = { ...process.env };
    // Set by some tool chains; it would make the binary a plain Node and never open a window.
    delete env.ELECTRON_RUN_AS_NODE;
    return runForwarding(plan.binary, ['.'], env);
  }

  return serveAnnounced(plan, process.env);
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
