import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppPaths } from './app-paths.ts';

const DEFAULT = '/home/ana/.config/omni-review';

describe('resolveAppPaths', () => {
  it('uses the shared user-data folder and its workspace by default', () => {
    expect(resolveAppPaths({ env: {}, isPackaged: true, defaultUserData: DEFAULT })).toEqual({
      userData: DEFAULT,
      workspace: join(DEFAULT, 'workspace'),
      testMode: false,
      ignored: null,
    });
  });

  it('honours OMNI_REVIEW_WORKSPACE always', () => {
    const paths = resolveAppPaths({ env: { OMNI_REVIEW_WORKSPACE: '/tmp/ws' }, isPackaged: true, defaultUserData: DEFAULT });
    expect(paths.workspace).toBe('/tmp/ws');
    expect(paths.userData).toBe(DEFAULT);
  });

  it('honours OMNI_REVIEW_USER_DATA in test mode only (OMNI_REVIEW_E2E=1 and unpackaged)', () => {
    const env = { OMNI_REVIEW_E2E: '1', OMNI_REVIEW_USER_DATA: '/tmp/e2e-profile' };
    const test = resolveAppPaths({ env, isPackaged: false, defaultUserData: DEFAULT });
    expect(test).toMatchObject({ userData: '/tmp/e2e-profile', workspace: '/tmp/e2e-profile/workspace', testMode: true, ignored: null });

    const packaged = resolveAppPaths({ env, isPackaged: true, defaultUserData: DEFAULT });
    expect(packaged).toMatchObject({ userData: DEFAULT, testMode: false });
    expect(packaged.ignored).toContain('OMNI_REVIEW_USER_DATA');

    const notTest = resolveAppPaths({ env: { OMNI_REVIEW_USER_DATA: '/tmp/x' }, isPackaged: false, defaultUserData: DEFAULT });
    expect(notTest.userData).toBe(DEFAULT);
    expect(notTest.ignored).not.toBeNull();
    expect(resolveAppPaths({ env: { OMNI_REVIEW_E2E: 'yes', OMNI_REVIEW_USER_DATA: '/tmp/x' }, isPackaged: false, defaultUserData: DEFAULT }).testMode).toBe(false);
  });

  it('resolves relative overrides and ignores blank ones', () => {
    expect(resolveAppPaths({ env: { OMNI_REVIEW_WORKSPACE: 'ws' }, isPackaged: false, defaultUserData: DEFAULT }).workspace).toBe(resolve('ws'));
    expect(resolveAppPaths({ env: { OMNI_REVIEW_WORKSPACE: '  ' }, isPackaged: false, defaultUserData: DEFAULT }).workspace).toBe(join(DEFAULT, 'workspace'));
  });
});
