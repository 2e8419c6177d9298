import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVING_PREFIX } from '../core/cli/serve-command.ts';
import { browserModeLine, decideLaunch, defaultExecutableName, exitCodeFor, isBuildStale, locateElectronBinary, servingUrlFrom, type LocateDeps } from './start.ts';

const PKG = '/proj/node_modules/electron';

function deps(overrides: Partial<LocateDeps> & { files?: Record<string, string> } = {}): LocateDeps {
  const files = overrides.files ?? {};
  return {
    packageDir: PKG,
    env: {},
    platform: 'linux',
    exists: (path) => path in files,
    readText: (path) => files[path] ?? null,
    ...overrides,
  };
}

describe('locateElectronBinary (never downloads)', () => {
  it('finds the binary path.txt names inside dist/', () => {
    const binary = join(PKG, 'dist', 'electron');
    expect(locateElectronBinary(deps({ files: { [join(PKG, 'path.txt')]: 'electron\n', [binary]: '' } }))).toEqual({ ok: true, binary });
  });

  it('explains an install without a binary (this machine: no path.txt)', () => {
    const result = locateElectronBinary(deps());
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('node_modules/electron/path.txt is missing');
  });

  it('explains a recorded but deleted binary', () => {
    const result = locateElectronBinary(deps({ files: { [join(PKG, 'path.txt')]: 'electron' } }));
    expect(result.ok ? '' : result.reason).toContain(`missing at ${join(PKG, 'dist', 'electron')}`);
  });

  it('explains a missing electron package', () => {
    const result = locateElectronBinary(deps({ packageDir: null }));
    expect(result.ok ? '' : result.reason).toContain('not installed');
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const env = { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron-45' };
    expect(locateElectronBinary(deps({ env, files: { '/opt/electron-45/electron': '' } }))).toEqual({ ok: true, binary: '/opt/electron-45/electron' });
    expect(locateElectronBinary(deps({ env, platform: 'win32', files: { '/opt/electron-45/electron.exe': '' } }))).toEqual({
      ok: true,
      binary: '/opt/electron-45/electron.exe',
    });
    const missing = locateElectronBinary(deps({ env }));
    expect(missing.ok ? '' : missing.reason).toContain('ELECTRON_OVERRIDE_DIST_PATH');
  });

  it('knows each platform executable', () => {
    expect(defaultExecutableName('darwin')).toBe('Electron.app/Contents/MacOS/Electron');
    expect(defaultExecutableName('win32')).toBe('electron.exe');
    expect(defaultExecutableName('linux')).toBe('electron');
  });
});

describe('decideLaunch', () => {
  const found = { ok: true as const, binary: '/x/electron' };

  it('opens Electron when there is a binary and a display', () => {
    expect(decideLaunch({ electron: found, argv: [], env: { DISPLAY: ':0' }, platform: 'linux' })).toEqual({ mode: 'electron', binary: '/x/electron' });
    expect(decideLaunch({ electron: found, argv: [], env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' }).mode).toBe('electron');
    expect(decideLaunch({ electron: found, argv: [], env: {}, platform: 'darwin' }).mode).toBe('electron');
  });

  it('falls back to the browser with the locate reason when there is no binary', () => {
    expect(decideLaunch({ electron: { ok: false, reason: 'no binary' }, argv: [], env: { DISPLAY: ':0' }, platform: 'linux' })).toEqual({
      mode: 'browser',
      reason: 'no binary',
    });
  });

  it('falls back to the browser on a Linux box without a display', () => {
    const plan = decideLaunch({ electron: found, argv: [], env: {}, platform: 'linux' });
    expect(plan.mode).toBe('browser');
    expect(plan.mode === 'browser' ? plan.reason : '').toContain('no display');
  });

  it('obeys --browser', () => {
    expect(decideLaunch({ electron: found, argv: ['--browser'], env: { DISPLAY: ':0' }, platform: 'linux' }).mode).toBe('browser');
  });
});

describe('browserModeLine', () => {
  it('is one plain line naming the reason and the loopback URL', () => {
    const line = browserModeLine({ reason: 'its binary was never downloaded' }, 'http://127.0.0.1:5123/');
    expect(line).toBe('Electron is not available on this machine (its binary was never downloaded); serving the same UI in your browser at http://127.0.0.1:5123/');
    expect(line).not.toContain('\n');
    expect(browserModeLine({ reason: 'browser mode was asked for with --browser' }, 'http://127.0.0.1:1/')).toMatch(/^Browser mode asked for; serving/);
  });
});

describe('servingUrlFrom', () => {
  it('finds the address (token included) in the line serve prints once it listens, and nothing in other lines', () => {
    const url = 'http://127.0.0.1:41234/?token=abcdefghijklmnopqrstuvwxyz012345-_AB';
    expect(servingUrlFrom(`${SERVING_PREFIX}${url} (workspace /tmp/w); press Ctrl-C to stop`)).toBe(url);
    expect(servingUrlFrom('building the UI (first run, a few seconds)…')).toBeNull();
    expect(servingUrlFrom(`  ${SERVING_PREFIX}${url}`)).toBeNull();
  });
});

describe('isBuildStale', () => {
  it('rebuilds when an output is missing', () => {
    expect(isBuildStale([100, null, 100], 50)).toBe(true);
    expect(isBuildStale([], 0)).toBe(true);
  });
  it('rebuilds when a source is newer than the oldest output', () => {
    expect(isBuildStale([100, 90, 120], 95)).toBe(true);
    expect(isBuildStale([100, 90, 120], 90)).toBe(false);
    expect(isBuildStale([100, 90, 120], 10)).toBe(false);
  });
});

describe('exitCodeFor', () => {
  it('passes codes through and maps signals to 128+n', () => {
    expect(exitCodeFor(0, null)).toBe(0);
    expect(exitCodeFor(3, null)).toBe(3);
    expect(exitCodeFor(null, 'SIGINT')).toBe(130);
    expect(exitCodeFor(null, 'SIGTERM')).toBe(143);
    expect(exitCodeFor(null, 'SIGKILL')).toBe(137);
  });
});
