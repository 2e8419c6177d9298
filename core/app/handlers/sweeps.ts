/** Channels of sweeps (issue 12, speed review): specs, check, list, get, start, cancel, resume, open. */
import type { Handlers } from '../../rpc.ts';
import type { AppContext } from '../context.ts';

type SweepChannels =
  | 'sweeps:specs'
  | 'sweeps:check'
  | 'sweeps:list'
  | 'sweeps:get'
  | 'sweeps:start'
  | 'sweeps:cancel'
  | 'sweeps:resume'
  | 'sweeps:open';

export function sweepsHandlers(ctx: AppContext): Pick<Handlers, SweepChannels> {
  const { sweeps } = ctx;
  return {
    'sweeps:specs': () => sweeps.specs(),
    'sweeps:check': ({ text, fileName }) => sweeps.check(text, fileName),
    'sweeps:list': () => sweeps.list(),
    'sweeps:get': ({ sweepId }) => sweeps.get(sweepId),
    'sweeps:start': (req) => sweeps.start(req),
    'sweeps:cancel': ({ sweepId }) => sweeps.cancel(sweepId),
    'sweeps:resume': ({ sweepId }) => sweeps.resume(sweepId),
    'sweeps:open': ({ dir }) => sweeps.open(dir),
  };
}
