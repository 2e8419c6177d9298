import { describe, expect, it } from 'vitest';
import { defaultWorkspaceDir, isSafeRunId, newRunId, userDataDir } from './workspace.ts';

describe('workspace locations', () => {
  it('prefers OMNI_REVIEW_WORKSPACE', () => {
    expect(defaultWorkspaceDir({ OMNI_REVIEW_WORKSPACE: '/tmp/ws' }, 'linux')).toBe('/tmp/ws');
  });
  it('follows XDG on Linux and APPDATA on Windows', () => {
    expect(userDataDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux')).toBe('/x/cfg/omni-review');
    expect(defaultWorkspaceDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux')).toBe('/x/cfg/omni-review/workspace');
    expect(userDataDir({ APPDATA: 'C:\\Users\\r\\AppData\\Roaming' }, 'win32')).toMatch(/omni-review$/);
  });
});

describe('run ids', () => {
  it('are sortable, slugged and safe', () => {
    const id = newRunId('Demo Suite: 中文 v2', new Date(2026, 10, 23, 9, 5, 7), () => 0.5);
    expect(id).toBe('20261123-090507-demo-suite-v2-8000');
    expect(isSafeRunId(id)).toBe(true);
  });
  it('refuses traversal and separators', () => {
    for (const bad of ['..', '../x', 'a/b', 'a\\b', '', '.hidden', 'a..b']) expect(isSafeRunId(bad)).toBe(false);
  });
});
