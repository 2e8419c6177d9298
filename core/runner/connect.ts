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
  const [a, b] = await Promise.all(
    SIDES.map((side) =>
      adapters[side].connect({ ...rest, ...(onWait ? { onWait: (message: string) => onWait(side, message) } : {}) }),
    ),
  );
  const infos = { A: a as ServerInfo, B: b as ServerInfo };
  for (const side of SIDES) store.saveServerInfo(side, infos[side]);
  return infos;
}
