/**
 * Where runs live. One workspace per user by default, shared by the CLI, browser mode and the desktop app,
 * so runs made with `omni-review run` show up in the UI without any import step.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user application data folder, the same place Electron's `app.getPath('userData')` would use. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'omni-review');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'omni-review');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'omni-review');
}

/** OMNI_REVIEW_WORKSPACE wins; otherwise `<user data>/workspace`. */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const explicit = env.OMNI_REVIEW_WORKSPACE?.trim();
  return explicit ? explicit : join(userDataDir(env, platform), 'workspace');
}

export function runsDir(workspace: string): string {
  return join(workspace, 'runs');
}

/**
 * A sortable, readable, filesystem-safe run id: 20261123-191502-demo-3fa9. The random tail keeps two runs
 * started in the same second apart.
 */
export function newRunId(suiteName: string, now: Date = new Date(), random: () => number = Math.random): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const slug = suiteName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'suite';
  const tail = Math.floor(random() * 0x10000).toString(16).padStart(4, '0');
  return `${stamp}-${slug}-${tail}`;
}

/** Run ids double as folder names and URL segments: only what newRunId makes (or a plain folder name) passes. */
export function isSafeRunId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) && !id.includes('..');
}
