/** Channels of sweeps (issue 12, speed review): specs, check, list, get, start, cancel, resume, open. */
import { RpcError, type Handlers } from '../../rpc.ts';
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

// Work in progress (issue 12): the contract is fixed first so the Speed screen can be built against it; the
// engine behind these channels lands in the next commits. Until then they say so instead of pretending.
export function sweepsHandlers(_ctx: AppContext): Pick<Handlers, SweepChannels> {
  const notYet = async (): Promise<never> => {
    throw new RpcError('failed', 'sweeps are not available in this build yet (issue 12 in progress)');
  };
  return {
    'sweeps:specs': async () => [],
    'sweeps:check': notYet,
    'sweeps:list': async () => [],
    'sweeps:get': notYet,
    'sweeps:start': notYet,
    'sweeps:cancel': notYet,
    'sweeps:resume': notYet,
    'sweeps:open': notYet,
  };
}
