import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  checkIpcSender,
  classifyOutgoingUrl,
  createTrustedSenders,
  denyAllPermissions,
  hardenWebContents,
  isAllowedNavigation,
  isAllowedSessionRequest,
  isOpenableRunFile,
  parseRunFileUrl,
  webPreferenceProblems,
  type FrameLike,
} from './security.ts';

describe('isAllowedNavigation (URL-parsed, never prefix-matched)', () => {
  it.each(['omni://app/index.html', 'omni://app/', 'omni://app/runs?id=1#pair-3'])('allows the app page %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(true);
  });

  it.each([
    'omni://app.evil/index.html',
    'omni://app@evil/index.html',
    'omni://evil/omni://app/',
    'omni://app:443/index.html',
    'omni://img/run/abc',
    'omni://file/run/report.html',
    'https://app/',
    'https://example.org/?omni://app/',
    'file:///opt/omni-review/out/renderer/index.html',
    'javascript:location="omni://app/"',
    'data:text/html,omni://app/',
    'about:blank',
    '',
    'omni:app/index.html',
  ])('refuses %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('classifyOutgoingUrl', () => {
  it('sorts targets into app, external, run-file and deny', () => {
    expect(classifyOutgoingUrl('omni://app/index.html')).toBe('app');
    expect(classifyOutgoingUrl('https://github.com/')).toBe('external');
    expect(classifyOutgoingUrl('http://127.0.0.1:8091/health')).toBe('external');
    expect(classifyOutgoingUrl('omni://file/run-1/report.html')).toBe('run-file');
    expect(classifyOutgoingUrl('omni://file/run-1')).toBe('deny');
    expect(classifyOutgoingUrl('omni://file/run-1/..%2fx')).toBe('deny');
    expect(classifyOutgoingUrl('file:///etc/passwd')).toBe('deny');
    expect(classifyOutgoingUrl('mailto:a@b.c')).toBe('deny');
    expect(classifyOutgoingUrl(42)).toBe('deny');
  });
});

describe('parseRunFileUrl / isOpenableRunFile', () => {
  it('decodes run id and relative path', () => {
    expect(parseRunFileUrl('omni://file/run-1/reports/report%20a.html')).toEqual({ runId: 'run-1', relPath: 'reports/report a.html' });
    expect(parseRunFileUrl('omni://file/run-1/a%2f..%2fb')).toBeNull();
    expect(parseRunFileUrl('omni://img/run-1/x')).toBeNull();
  });
  it('opens reports and images only', () => {
    expect(isOpenableRunFile('report.html')).toBe(true);
    expect(isOpenableRunFile('report.CSV')).toBe(true);
    expect(isOpenableRunFile('images/ab/cd.webp')).toBe(true);
    expect(isOpenableRunFile('run.sqlite')).toBe(false);
    expect(isOpenableRunFile('evil.desktop')).toBe(false);
    expect(isOpenableRunFile('evil.sh')).toBe(false);
    expect(isOpenableRunFile('report.html.exe')).toBe(false);
  });
});

/** A webContents stand-in: an EventEmitter plus the window-open handler Electron would call. */
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Emit like Electron ≥ 25 (URL on the event); returns whether the default was prevented. */
  fire(event: string, url: string, legacyOnly = false): boolean {
    let prevented = false;
    const e = { preventDefault: () => (prevented = true), ...(legacyOnly ? {} : { url }) };
    this.emit(event, e, url);
    return prevented;
  }
}

function hardened() {
  const contents = new FakeContents();
  const left: Array<[string, string]> = [];
  const logs: string[] = [];
  hardenWebContents(contents, { onLeave: (url, kind) => left.push([kind, url]), log: (m) => logs.push(m) });
  return { contents, left, logs };
}

describe('hardenWebContents', () => {
  it('lets app navigation through untouched', () => {
    const { contents, left } = hardened();
    expect(contents.fire('will-navigate', 'omni://app/index.html#/runs')).toBe(false);
    expect(contents.fire('will-frame-navigate', 'omni://app/index.html')).toBe(false);
    expect(left).toEqual([]);
  });

  it('blocks navigation elsewhere and routes web links to the browser', () => {
    const { contents, left, logs } = hardened();
    expect(contents.fire('will-navigate', 'https://example.org/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(left).toEqual([['external', 'https://example.org/']]);
    expect(logs.filter((m) => m.startsWith('blocked navigation'))).toHaveLength(2);
  });

  it('reads the URL from the legacy argument too', () => {
    const { contents, left } = hardened();
    expect(contents.fire('will-navigate', 'https://example.org/legacy', true)).toBe(true);
    expect(left).toEqual([['external', 'https://example.org/legacy']]);
  });

  it('blocks redirects and frame navigations out of the app without opening anything', () => {
    const { contents, left } = hardened();
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(left).toEqual([]);
  });

  it('denies every window.open, routing web links and run files, dropping the rest', () => {
    const { contents, left } = hardened();
    const open = contents.openHandler!;
    expect(open({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' });
    expect(open({ url: 'omni://file/run-1/report.html' })).toEqual({ action: 'deny' });
    expect(open({ url: 'omni://app/index.html' })).toEqual({ action: 'deny' });
    expect(open({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(left).toEqual([
      ['external', 'https://example.org/docs'],
      ['run-file', 'omni://file/run-1/report.html'],
    ]);
  });

  it('prevents <webview> attachment', () => {
    const { contents } = hardened();
    expect(contents.fire('will-attach-webview', '')).toBe(true);
  });
});

describe('denyAllPermissions', () => {
  it('denies requests, checks and devices', () => {
    let request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
    let check: ((wc: unknown, permission: string) => boolean) | null = null;
    let device: ((details: unknown) => boolean) | null = null;
    const logs: string[] = [];
    denyAllPermissions(
      {
        setPermissionRequestHandler: (h) => (request = h),
        setPermissionCheckHandler: (h) => (check = h),
        setDevicePermissionHandler: (h) => (device = h),
      },
      (m) => logs.push(m),
    );
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      request!(null, permission, (granted) => answers.push(granted));
      expect(check!(null, permission)).toBe(false);
    }
    expect(answers).toEqual([false, false, false, false, false, false]);
    expect(device!({ deviceType: 'usb' })).toBe(false);
    expect(logs[0]).toBe('denied permission request: media');
  });
});

describe('trusted senders and checkIpcSender', () => {
  const top = (url: string): FrameLike => ({ url, parent: null });

  it('forgets a webContents when it is destroyed', () => {
    const trusted = createTrustedSenders();
    const contents = Object.assign(new EventEmitter(), { id: 7 });
    trusted.add(contents);
    expect(trusted.has(7)).toBe(true);
    expect(trusted.ids()).toEqual([7]);
    contents.emit('destroyed');
    expect(trusted.has(7)).toBe(false);
  });

  it('accepts the top frame of a trusted window showing an app page', () => {
    const trusted = { has: (id: number) => id === 1 };
    expect(checkIpcSender({ sender: { id: 1 }, senderFrame: top('omni://app/index.html') }, trusted)).toEqual({ ok: true });
  });

  it.each([
    ['an unknown webContents', { sender: { id: 2 }, senderFrame: top('omni://app/index.html') }, 'not an app window'],
    ['a destroyed frame', { sender: { id: 1 }, senderFrame: null }, 'gone'],
    ['a sub-frame', { sender: { id: 1 }, senderFrame: { url: 'omni://app/index.html', parent: top('omni://app/index.html') } }, 'sub-frame'],
    ['a foreign page', { sender: { id: 1 }, senderFrame: top('https://evil.example/') }, 'not an omni://app page'],
    ['a look-alike origin', { sender: { id: 1 }, senderFrame: top('omni://app.evil/index.html') }, 'not an omni://app page'],
    ['a file page', { sender: { id: 1 }, senderFrame: top('file:///tmp/x.html') }, 'not an omni://app page'],
  ])('refuses %s', (_name, event, reason) => {
    const result = checkIpcSender(event, { has: (id: number) => id === 1 });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});

describe('webPreferenceProblems', () => {
  const secure = {
    preload: '/app/out/preload/index.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    webviewTag: false,
  };

  it('accepts the locked-down set', () => {
    expect(webPreferenceProblems(secure, '/app/out/preload/index.cjs')).toEqual([]);
  });

  it('names every weakened or missing setting', () => {
    expect(webPreferenceProblems({ ...secure, sandbox: false })).toEqual(['sandbox must be true']);
    expect(webPreferenceProblems({ ...secure, contextIsolation: undefined })).toEqual(['contextIsolation must be true']);
    expect(webPreferenceProblems({ ...secure, nodeIntegration: undefined })).toEqual(['nodeIntegration must be false']);
    expect(webPreferenceProblems({ ...secure, webSecurity: false })).toEqual(['webSecurity must be true']);
    expect(webPreferenceProblems({ ...secure, nodeIntegrationInSubFrames: true, webviewTag: true, enableBlinkFeatures: 'X' })).toHaveLength(3);
    expect(webPreferenceProblems({ ...secure, allowRunningInsecureContent: true, experimentalFeatures: true })).toHaveLength(2);
    expect(webPreferenceProblems(secure, '/other/preload.js')).toEqual(['preload must be /other/preload.js']);
    expect(webPreferenceProblems(null)).toEqual(['webPreferences are unavailable']);
  });
});

describe('isAllowedSessionRequest', () => {
  it('lets the app scheme, data, blob and devtools through only', () => {
    expect(isAllowedSessionRequest('omni://app/assets/x.js')).toBe(true);
    expect(isAllowedSessionRequest('omni://img/run/abc')).toBe(true);
    expect(isAllowedSessionRequest('data:image/png;base64,AA==')).toBe(true);
    expect(isAllowedSessionRequest('blob:omni://app/5b1c')).toBe(true);
    expect(isAllowedSessionRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
    for (const url of ['https://example.org/', 'http://127.0.0.1:8000/v1/models', 'ws://127.0.0.1/', 'file:///etc/passwd', 'ftp://x/', 'nonsense']) {
      expect(isAllowedSessionRequest(url)).toBe(false);
    }
  });
});
