/**
 * The small JSON files of the app's workspace: settings.json (the reviewer's settings) and opened-runs.json
 * (run folders made elsewhere that the user opened). A missing or damaged file reads as its default.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingsSchema, type Settings } from '../../shared/contract.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';

const DEFAULT_SETTINGS: Settings = { reviewer: '', blindByDefault: false };

export interface WorkspaceFiles {
  loadSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<void>;
  openedDirs(): Promise<string[]>;
  saveOpenedDirs(dirs: readonly string[]): Promise<void>;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function workspaceFiles(workspace: string): WorkspaceFiles {
  const settingsFile = join(workspace, 'settings.json');
  const openedFile = join(workspace, 'opened-runs.json');
  return {
    async loadSettings() {
      const parsed = SettingsSchema.safeParse((await readJson(settingsFile)) ?? DEFAULT_SETTINGS);
      return parsed.success ? parsed.data : DEFAULT_SETTINGS;
    },
    async saveSettings(settings) {
      await mkdir(workspace, { recursive: true });
      await writeFileAtomic(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
    },
    async openedDirs() {
      const value = await readJson(openedFile);
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    },
    async saveOpenedDirs(dirs) {
      await writeFileAtomic(openedFile, `${JSON.stringify(dirs, null, 2)}\n`);
    },
  };
}
