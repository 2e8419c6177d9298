/**
 * Where the desktop app keeps its data. Pure, so the rules are unit-tested:
 * - user data: the per-user folder the CLI and browser mode use too (core/engine/workspace.ts), so runs made
 *   with `omni-review run` show up in the app; in test mode only (OMNI_REVIEW_E2E=1 and not packaged),
 *   OMNI_REVIEW_USER_DATA replaces it, so e2e runs never touch a real profile (Bruno's pattern). A packaged
 *   app ignores it: an environment variable must not be able to point a user's app at another profile.
 * - workspace: OMNI_REVIEW_WORKSPACE when set (tests pass a temp folder), else `<user data>/workspace`.
 */
import { join, resolve } from 'node:path';

export interface AppPathsInput {
  env: Readonly<Record<string, string | undefined>>;
  isPackaged: boolean;
  /** The default user-data folder. */
  defaultUserData: string;
}

export interface AppPaths {
  userData: string;
  workspace: string;
  /** OMNI_REVIEW_E2E=1 in an unpackaged app. */
  testMode: boolean;
  /** Set when an environment variable was present but ignored, for the log. */
  ignored: string | null;
}

export function resolveAppPaths({ env, isPackaged, defaultUserData }: AppPathsInput): AppPaths {
  const testMode = env.OMNI_REVIEW_E2E === '1' && !isPackaged;
  const userDataOverride = env.OMNI_REVIEW_USER_DATA?.trim() || null;
  let userData = defaultUserData;
  let ignored: string | null = null;
  if (userDataOverride) {
    if (testMode) userData = resolve(userDataOverride);
    else ignored = 'OMNI_REVIEW_USER_DATA is honoured only in test mode (OMNI_REVIEW_E2E=1, unpackaged app); ignored';
  }
  const workspaceOverride = env.OMNI_REVIEW_WORKSPACE?.trim() || null;
  const workspace = workspaceOverride ? resolve(workspaceOverride) : join(userData, 'workspace');
  return { userData, workspace, testMode, ignored };
}
