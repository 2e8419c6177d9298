/** Paths as the CLI prints and checks them. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRunFolder } from '../store/run-store.ts';
import { UsageError } from './usage-error.ts';

/** A run folder the user named for --out must be new or empty: never mix two runs in one folder. */
export async function checkOutDir(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: exists and is not a folder`);
  if (await isRunFolder(dir)) {
    throw new UsageError(`--out ${dir}: already holds a run; continue it with --resume ${dir} or pick another folder`);
  }
  if (readdirSync(dir).length > 0) throw new UsageError(`--out ${dir}: folder is not empty; pick a new or empty folder`);
}

/** `path` relative to `cwd` when it lies inside it, absolute otherwise. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const abs = resolve(path);
  return abs.startsWith(cwd + '/') ? abs.slice(cwd.length + 1) : abs;
}
