/** Connecting a run's two backends before the scheduler sends anything. */
import { SIDES, type ServerInfo, type Side } from '../../shared/model.ts';
import type { BackendAdapter, ConnectOptions } from '../backends/types.ts';
import type { RunStore } from '../store/types.ts';

/**
 * Connect both adapters (health wait, server detection) at once and save what they learned in the store.
 * `onWait` is told which side it is waiting for.
 */
export async function connectBackends(
  store: RunStore,
  adapters: Record<Side, BackendAdapter>,
  options: Omit<ConnectOptions, 'onWait'> & { onWait?: (side: Side, message: string) => void } = {},
): Promise<Record<Side, ServerInfo>> {
  const { onWait, ...rest } = options;
  // When one side fails, stop the other side's health polling too, and wait for it to settle: nothing may
  // keep knocking on a server after the run has given up.
  const giveUp = new AbortController();
  const signal = rest.signal ? AbortSignal.any([rest.signal, giveUp.signal]) : giveUp.signal;
  let firstError: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    SIDES.map((side) =>
      adapters[side]
        .connect({ ...rest, signal, ...(onWait ? { onWait: (message: string) => onWait(side, message) } : {}) })
        .catch((error: unknown) => {
          firstError ??= { error };
          giveUp.abort(error);
          throw error;
        }),
    ),
  );
  if (firstError) throw firstError.error;
  const [a, b] = settled.map((r) => (r as PromiseFulfilledResult<ServerInfo>).value);
  const infos = { A: a as ServerInfo, B: b as ServerInfo };
  for (const side of SIDES) store.saveServerInfo(side, infos[side]);
  return infos;
}
