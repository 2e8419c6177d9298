/**
 * The shell's guards (Electron security checklist items 5, 11-14, 17 and the webPreferences of 3, 4, 6),
 * written against small structural interfaces so vitest covers them without Electron. index.ts applies them
 * to every webContents and to the default session.
 */
import { decodePathSegments } from './path-guard.ts';
import { isAppUrl, isRunFileUrl, parseUrl } from './urls.ts';

// ---------------------------------------------------------------------------------------------------------
// Navigation and new windows
// ---------------------------------------------------------------------------------------------------------

/**
 * What to do with a URL the page tries to leave for (navigation, window.open, target=_blank):
 * - `app`: another page of the app itself (navigation allowed; a new window is still refused);
 * - `external`: a plain http(s) link, handed to the browser through openExternalUrl;
 * - `run-file`: an exported run file (omni://file/…), opened with the system's default application after
 *   the engine resolved it by run id;
 * - `deny`: anything else (file:, javascript:, data:, other schemes, malformed).
 */
export type OutgoingKind = 'app' | 'external' | 'run-file' | 'deny';

export function classifyOutgoingUrl(value: unknown): OutgoingKind {
  const url = parseUrl(value);
  if (!url) return 'deny';
  if (isAppUrl(url)) return 'app';
  if (isRunFileUrl(url)) return parseRunFileUrl(url) ? 'run-file' : 'deny';
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return 'external';
  return 'deny';
}

/** `omni://file/<runId>/<relPath>` → its parts (decoded, checked segment by segment), or null. */
export function parseRunFileUrl(value: URL | string): { runId: string; relPath: string } | null {
  const url = typeof value === 'string' ? parseUrl(value) : value;
  if (!url || !isRunFileUrl(url)) return null;
  const decoded = decodePathSegments(url.pathname);
  if (!decoded.ok) return null;
  const [runId, ...rest] = decoded.segments;
  if (runId === undefined || rest.length === 0) return null;
  return { runId, relPath: rest.join('/') };
}

/** Only the app's own pages may be navigated to (checklist 13). */
export function isAllowedNavigation(value: unknown): boolean {
  return classifyOutgoingUrl(value) === 'app';
}

/** Exported files the shell will hand to the OS's default application (never executables or scripts). */
const OPENABLE_RUN_FILE = /\.(html|json|csv|md|xml|pdf|png|jpe?g|webp)$/i;

export function isOpenableRunFile(relPath: string): boolean {
  return OPENABLE_RUN_FILE.test(relPath);
}

interface PreventableEvent {
  preventDefault(): void;
  /** Electron ≥ 25 puts the target URL on the event; older signatures pass it as the next argument. */
  url?: string;
}

/** The parts of Electron's WebContents the guards touch. */
export interface WebContentsLike {
  on(event: string, listener: (event: PreventableEvent, ...args: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface HardenOptions {
  /** A refused navigation or window.open target the user may still want opened elsewhere (external or run-file). */
  onLeave(url: string, kind: 'external' | 'run-file'): void;
  log?: (message: string) => void;
}

function eventUrl(event: PreventableEvent, legacyUrl: unknown): string {
  if (typeof event.url === 'string') return event.url;
  return typeof legacyUrl === 'string' ? legacyUrl : '';
}

/**
 * Checklist 11-14 on one webContents: navigation and redirects only within omni://app (URL-parsed), every
 * window.open denied (web links go to the browser, run files to their default app), <webview> never attached.
 */
export function hardenWebContents(contents: WebContentsLike, options: HardenOptions): void {
  const log = options.log ?? console.warn;

  const guardNavigation = (what: string, routeElsewhere: boolean) => (event: PreventableEvent, legacyUrl?: unknown) => {
    const url = eventUrl(event, legacyUrl);
    const kind = classifyOutgoingUrl(url);
    if (kind === 'app') return;
    event.preventDefault();
    log(`blocked ${what} to ${JSON.stringify(url.slice(0, 200))}`);
    if (routeElsewhere && (kind === 'external' || kind === 'run-file')) options.onLeave(url, kind);
  };

  // A clicked link without target=_blank arrives as a navigation: keep the app, open the link outside.
  contents.on('will-navigate', guardNavigation('navigation', true));
  // Sub-frame navigations (the app has no frames; refuse anything that appears anyway).
  contents.on('will-frame-navigate', guardNavigation('frame navigation', false));
  // Server redirects are never followed out of the app, and never opened elsewhere on their own.
  contents.on('will-redirect', guardNavigation('redirect', false));

  contents.setWindowOpenHandler(({ url }) => {
    const kind = classifyOutgoingUrl(url);
    if (kind === 'external' || kind === 'run-file') options.onLeave(url, kind);
    else log(`blocked window.open of ${JSON.stringify(String(url).slice(0, 200))}`);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>: the app never uses one');
  });
}

// ---------------------------------------------------------------------------------------------------------
// Permissions (checklist 5)
// ---------------------------------------------------------------------------------------------------------

/** The parts of Electron's Session the permission guard touches. */
export interface PermissionSessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
}

/** The app needs no camera, microphone, notifications, geolocation, HID, serial, USB…: deny every request and check. */
export function denyAllPermissions(session: PermissionSessionLike, log: (message: string) => void = console.warn): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    log(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

// ---------------------------------------------------------------------------------------------------------
// IPC senders (checklist 17)
// ---------------------------------------------------------------------------------------------------------

interface DestroyableContents {
  readonly id: number;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The webContents ids of our own windows (GitHub Desktop's trusted-sender set); ids leave when destroyed. */
export interface TrustedSenders {
  add(contents: DestroyableContents): void;
  has(id: number): boolean;
  ids(): number[];
}

export function createTrustedSenders(): TrustedSenders {
  const ids = new Set<number>();
  return {
    add(contents) {
      ids.add(contents.id);
      contents.once('destroyed', () => ids.delete(contents.id));
    },
    has: (id) => ids.has(id),
    ids: () => [...ids],
  };
}

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

/** The parts of an IpcMainInvokeEvent the sender check reads. */
export interface SenderEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export type SenderCheck = { ok: true } | { ok: false; reason: string };

/**
 * An IPC message is served only when it comes from one of our windows, from its top frame (not an iframe),
 * and that frame currently shows an omni://app page. Each condition alone can be bypassed (a trusted window
 * that was made to load another page; an injected frame), so all three are required.
 */
export function checkIpcSender(event: SenderEventLike, trusted: Pick<TrustedSenders, 'has'>): SenderCheck {
  if (!trusted.has(event.sender.id)) return { ok: false, reason: `webContents ${event.sender.id} is not an app window` };
  const frame = event.senderFrame;
  if (!frame) return { ok: false, reason: 'the sending frame is gone (navigated or destroyed)' };
  if (frame.parent !== null) return { ok: false, reason: `sent from a sub-frame (${frame.url.slice(0, 200)})` };
  if (!isAppUrl(frame.url)) return { ok: false, reason: `sent from ${frame.url.slice(0, 200)}, not an omni://app page` };
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------------------
// webPreferences (checklist 2-4, 6, 8, 9, 11)
// ---------------------------------------------------------------------------------------------------------

/** webPreferences as Electron reports them back (`webContents.getLastWebPreferences()`). */
export interface WebPreferencesLike {
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  experimentalFeatures?: boolean;
  enableBlinkFeatures?: string;
  webviewTag?: boolean;
  preload?: string;
}

/**
 * Everything that is wrong with a window's effective webPreferences, [] when it is locked down. index.ts runs
 * it on the created window and refuses to load the UI otherwise, so a later edit of the options (or a changed
 * Electron default) cannot silently weaken the window.
 */
export function webPreferenceProblems(prefs: WebPreferencesLike | null | undefined, expectedPreload?: string): string[] {
  if (!prefs) return ['webPreferences are unavailable'];
  const problems: string[] = [];
  if (prefs.contextIsolation !== true) problems.push('contextIsolation must be true');
  if (prefs.sandbox !== true) problems.push('sandbox must be true');
  if (prefs.nodeIntegration !== false) problems.push('nodeIntegration must be false');
  if (prefs.nodeIntegrationInWorker === true) problems.push('nodeIntegrationInWorker must be false');
  if (prefs.nodeIntegrationInSubFrames === true) problems.push('nodeIntegrationInSubFrames must be false');
  if (prefs.webSecurity !== true) problems.push('webSecurity must be true');
  if (prefs.allowRunningInsecureContent === true) problems.push('allowRunningInsecureContent must be false');
  if (prefs.experimentalFeatures === true) problems.push('experimentalFeatures must be false');
  if (prefs.enableBlinkFeatures) problems.push(`enableBlinkFeatures must be empty (is "${prefs.enableBlinkFeatures}")`);
  if (prefs.webviewTag === true) problems.push('webviewTag must be false');
  if (expectedPreload !== undefined && prefs.preload !== expectedPreload) problems.push(`preload must be ${expectedPreload}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Network (defence in depth behind the CSP)
// ---------------------------------------------------------------------------------------------------------

/**
 * Schemes the app's session may load. The UI never talks to the network itself (the engine in the main
 * process does, with Node's HTTP client, which this session filter does not see), so http(s), ws(s), file:
 * and everything else are cancelled even if a CSP bug let a request through. DevTools schemes stay usable.
 */
const ALLOWED_REQUEST_SCHEMES = new Set(['omni:', 'data:', 'blob:', 'devtools:']);

export function isAllowedSessionRequest(value: unknown): boolean {
  const url = parseUrl(value);
  return url !== null && ALLOWED_REQUEST_SCHEMES.has(url.protocol);
}
