/**
 * Electron main process: glue only. The guards live in security.ts, protocol.ts, external-links.ts and ipc.ts
 * (unit-tested without Electron); the product lives in core/ (createCoreApp). What happens here, in order:
 *
 * before `ready` (synchronously: an ES-module main must not await before these):
 *   the omni:// scheme is registered as privileged, the sandbox is forced for every renderer, user data and
 *   the workspace are fixed, a second instance hands over to the first;
 * at `ready`:
 *   every permission is denied, the session may only load omni:/data:/blob:, omni:// is served, the engine
 *   starts (RPC calls made meanwhile wait for it), and the window opens on omni://app/index.html.
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell, webContents, type BrowserWindowConstructorOptions } from 'electron';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoreApp } from '../../core/app/index.ts';
import type { CoreApp } from '../../core/app/types.ts';
import { userDataDir } from '../../core/engine/workspace.ts';
import { resolveAppPaths } from './app-paths.ts';
import { openExternalUrl } from './external-links.ts';
import { forwardEvents, registerRpcHandler } from './ipc.ts';
import { createElectronPdfPrinter } from './print-pdf.ts';
import { createProtocolHandler } from './protocol.ts';
import {
  createTrustedSenders,
  denyAllPermissions,
  hardenWebContents,
  isAllowedSessionRequest,
  isOpenableRunFile,
  parseRunFileUrl,
  webPreferenceProblems,
} from './security.ts';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl } from './urls.ts';

const warn = (message: string): void => console.warn(`[omni-review] ${message}`);
const info = (message: string): void => console.log(`[omni-review] ${message}`);

// Built layout: out/main/index.js (this file), out/main/compare-worker.js, out/main/fonts/, out/main/fixtures/,
// out/preload/index.cjs, out/renderer/.
const RENDERER_ROOT = fileURLToPath(new URL('../renderer/', import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const COMPARE_WORKER_URL = new URL('./compare-worker.js', import.meta.url);
/** The suites shipped with the app (copied from fixtures/ by electron.vite.config.ts, images beside them). */
const BUNDLED_SUITES_DIR = fileURLToPath(new URL('./fixtures/suites/', import.meta.url));
/** How long quitting waits for the engine to leave runs resumable before giving up. */
const CLOSE_TIMEOUT_MS = 5000;

// ---------------------------------------------------------------------------------------------------------
// Before ready
// ---------------------------------------------------------------------------------------------------------

protocol.registerSchemesAsPrivileged([
  // standard: real origins and relative URLs; secure: a secure context like https; supportFetchAPI and
  // corsEnabled: the UI may fetch images for canvas views. No bypassCSP, no serviceWorkers.
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);
app.enableSandbox();

const paths = resolveAppPaths({ env: process.env, isPackaged: app.isPackaged, defaultUserData: userDataDir() });
app.setPath('userData', paths.userData);
if (paths.ignored) warn(paths.ignored);

const trusted = createTrustedSenders();
let core: CoreApp | null = null;
let coreStarting: Promise<CoreApp | null> | null = null;
let coreError: string | null = null;
let stopForwarding: (() => void) | null = null;
let quitting = false;

if (!app.requestSingleInstanceLock()) {
  // Another Omni Review owns this user-data folder (and its runs' locks): let it take over.
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  // Every webContents, present and future (devtools, anything a bug might open), gets the navigation,
  // window-open and webview guards.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { onLeave: leaveApp, log: warn });
  });

  registerRpcHandler(ipcMain, {
    getDispatcher: async () => (await (coreStarting ?? Promise.resolve(core)))?.dispatcher ?? null,
    trusted,
    log: warn,
    unavailableReason: () => coreError ?? 'the engine is not running',
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (quitting || (!core && !coreStarting)) return;
    // Let the engine leave running work resumable and close its stores, then quit for real (bounded).
    event.preventDefault();
    quitting = true;
    stopForwarding?.();
    const closing = (async () => {
      const engine = core ?? (await coreStarting);
      await engine?.close();
    })().catch((error: unknown) => warn(`engine did not close cleanly: ${describe(error)}`));
    const timeout = new Promise<void>((done) => setTimeout(done, CLOSE_TIMEOUT_MS).unref());
    void Promise.race([closing, timeout]).finally(() => {
      core = null;
      app.quit();
    });
  });

  void app.whenReady().then(onReady).catch((error: unknown) => {
    warn(`start-up failed: ${describe(error)}`);
    app.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Ready
// ---------------------------------------------------------------------------------------------------------

async function onReady(): Promise<void> {
  const appSession = session.defaultSession;
  denyAllPermissions(appSession, warn);
  appSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedSessionRequest(details.url);
    if (!allowed) warn(`cancelled a request to ${details.url.slice(0, 200)}: the UI never uses the network`);
    callback({ cancel: !allowed });
  });
  appSession.protocol.handle(
    APP_SCHEME,
    createProtocolHandler({
      rendererRoot: RENDERER_ROOT,
      getCore: () => core,
      // Looked up on each call: Electron patches fs.promises so these read inside app.asar.
      fs: { readFile: (p) => fsp.readFile(p), realpath: (p) => fsp.realpath(p), stat: (p) => fsp.stat(p) },
      log: warn,
    }),
  );

  coreStarting = startCore();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  await coreStarting;
}

async function startCore(): Promise<CoreApp | null> {
  info(`workspace: ${paths.workspace}${paths.testMode ? ' (test mode)' : ''}`);
  let engine: CoreApp;
  try {
    engine = await createCoreApp({
      workspace: paths.workspace,
      mode: 'electron',
      compareWorkerUrl: COMPARE_WORKER_URL,
      printPdf: createElectronPdfPrinter(warn),
      suiteDirs: [BUNDLED_SUITES_DIR, join(paths.workspace, 'suites')],
    });
  } catch (error) {
    coreError = `The engine could not start: ${describe(error)} (workspace ${paths.workspace}). Fix the cause and restart Omni Review.`;
    warn(coreError);
    return null;
  } finally {
    coreStarting = null;
  }
  core = engine;
  stopForwarding = forwardEvents(
    (listener) => engine.subscribe(listener),
    () => trusted.ids().flatMap((id) => webContents.fromId(id) ?? []),
    warn,
  );
  return engine;
}

function createWindow(): BrowserWindow {
  // An inline literal on purpose: the security scan (Electronegativity) reads the options at this spot, and
  // webPreferenceProblems re-checks them at run time, so an edit that weakens them fails loudly either way.
  const windowOptions = {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Omni Review',
    backgroundColor: '#111318',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in a new window without a click event the page can see.
      disableBlinkFeatures: 'Auxclick',
    },
  } satisfies BrowserWindowConstructorOptions;
  const problems = webPreferenceProblems(windowOptions.webPreferences, PRELOAD_PATH);
  if (problems.length > 0) throw new Error(`refusing to open a window with weakened webPreferences: ${problems.join('; ')}`);
  const window = new BrowserWindow(windowOptions);
  trusted.add(window.webContents);
  window.once('ready-to-show', () => window.show());
  window.webContents.on('did-fail-load', (_event, code, description, url) => {
    if (isAppUrl(url)) warn(`the UI failed to load (${code} ${description}) from ${url}: run \`npm run build\` first`);
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

// ---------------------------------------------------------------------------------------------------------
// Leaving the app: links and exported files
// ---------------------------------------------------------------------------------------------------------

/** A link or file the page asked for that the app itself will not show (see hardenWebContents). */
function leaveApp(url: string, kind: 'external' | 'run-file'): void {
  if (kind === 'external') {
    // Resolved at call time (not captured at start-up) so the e2e suite can stub shell.openExternal.
    openExternalUrl(url, (href) => shell.openExternal(href), warn);
    return;
  }
  const target = parseRunFileUrl(url);
  const resolved = target && isOpenableRunFile(target.relPath) ? core?.resolveRunFile(target.runId, target.relPath) : null;
  if (!target || !resolved) {
    warn(`not opening ${url.slice(0, 200)}: not an exported file of a known run`);
    return;
  }
  void shell.openPath(resolved.path).then((error) => {
    if (error) warn(`could not open ${resolved.path}: ${error}`);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
