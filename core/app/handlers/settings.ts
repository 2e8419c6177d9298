/** Channels of the app itself and the reviewer's settings. */
import { SettingsSchema } from '../../../shared/contract.ts';
import type { Handlers } from '../../rpc.ts';
import { TOOL_VERSION } from '../../version.ts';
import type { AppContext } from '../context.ts';

export function settingsHandlers(ctx: AppContext): Pick<Handlers, 'app:get-info' | 'settings:get' | 'settings:set'> {
  return {
    'app:get-info': async () => ({ version: TOOL_VERSION, workspace: ctx.workspace, mode: ctx.mode }),
    'settings:get': async () => ctx.files.loadSettings(),
    'settings:set': async (patch) => {
      const current = await ctx.files.loadSettings();
      const next = SettingsSchema.parse({ ...current, ...patch, ...(patch.reviewer === undefined ? {} : { reviewer: patch.reviewer.trim() }) });
      await ctx.files.saveSettings(next);
      return next;
    },
  };
}
