/**
 * The two IPC channels between the preload and the main process, shared by both sides. Every contract call
 * travels on one invoke channel with the contract channel as its first argument (the main side checks the
 * sender once, then hands it to core/rpc, which knows the contract); engine events come back on one push
 * channel. Imports types only, so the sandboxed preload bundles nothing extra for it.
 */
import type { RpcErrorBody } from '../shared/contract.ts';

/** renderer → main: `invoke(RPC_CHANNEL, contractChannel, request)` → RpcReply. */
export const RPC_CHANNEL = 'rpc';
/** main → renderer: `send(EVENT_CHANNEL, uiEvent)`. */
export const EVENT_CHANNEL = 'event';

/**
 * What an RPC invoke resolves to. Failures travel as a value, not a thrown error, because Electron flattens
 * errors that cross IPC into "Error invoking remote method …" strings and the UI needs the code.
 */
export type RpcReply = { ok: true; value: unknown } | { ok: false; error: RpcErrorBody };
