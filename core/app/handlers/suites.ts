/** Channels of the suite catalogue: the list the UI offers and the check of a dropped suite. */
import type { Handlers } from '../../rpc.ts';
import type { AppContext } from '../context.ts';

export function suitesHandlers(ctx: AppContext): Pick<Handlers, 'suites:list' | 'suites:check'> {
  return {
    'suites:list': async () => ctx.suites.list(),
    'suites:check': async ({ text, fileName }) => ctx.suites.check(text, fileName),
  };
}
