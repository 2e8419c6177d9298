/**
 * IPC between the page and the engine: one invoke channel for every contract call, one push channel for
 * engine events. The sender check runs before anything else; core/rpc's dispatcher validates the channel,
 * the request and the response against shared/contract.ts.
 */
import type { UiEvent } from '../../shared/contract.ts';
import type { Dispatcher } from '../../core/rpc.ts';
import { toRpcErrorBody } from '../../core/rpc.ts';
import { EVENT_CHANNEL, RPC_CHANNEL, type RpcReply } from '../ipc-channels.ts';
import { checkIpcSender, type SenderEventLike, type TrustedSenders } from './security.ts';
import { isAppUrl } from './urls.ts';

/** The parts of Electron's ipcMain used here (Bruno's IpcMainLike idea). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEventLike, ...args: unknown[]) => Promise<RpcReply>): void;
  removeHandler(channel: string): void;
}

export interface RpcHandlerOptions {
  /**
   * The engine's dispatcher: a promise while the engine starts (calls made during start-up wait for it), null
   * when it failed to start.
   */
  getDispatcher: () => Dispatcher | null | Promise<Dispatcher | null>;
  trusted: Pick<TrustedSenders, 'has'>;
  log?: (message: string) => void;
  /** Why the engine is unavailable, when getDispatcher() returns null (shown to the user by the UI). */
  unavailableReason?: () => string;
}

/** One RPC call: sender check, then dispatch; every failure becomes an error body, nothing throws. */
export async function handleRpc(options: RpcHandlerOptions, event: SenderEventLike, channel: unknown, request: unknown): Promise<RpcReply> {
  const log = options.log ?? console.warn;
  const sender = checkIpcSender(event, options.trusted);
  if (!sender.ok) {
    log(`IPC refused (${String(channel).slice(0, 80)}): ${sender.reason}`);
    // Deliberately vague towards the page: the reason is in the main-process log.
    return { ok: false, error: { code: 'failed', message: 'request refused: not sent by the app window' } };
  }
  let dispatcher: Dispatcher | null;
  try {
    dispatcher = await options.getDispatcher();
  } catch {
    dispatcher = null;
  }
  if (!dispatcher) {
    return { ok: false, error: { code: 'failed', message: options.unavailableReason?.() ?? 'the engine is not running' } };
  }
  try {
    return { ok: true, value: await dispatcher.dispatch(channel, request) };
  } catch (error) {
    return { ok: false, error: toRpcErrorBody(error) };
  }
}

/** Install the RPC handler; returns the function that removes it. */
export function registerRpcHandler(ipcMain: IpcMainLike, options: RpcHandlerOptions): () => void {
  ipcMain.handle(RPC_CHANNEL, (event, channel, request) => handleRpc(options, event, channel, request));
  return () => ipcMain.removeHandler(RPC_CHANNEL);
}

/** A window that may receive pushed events. */
export interface EventTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Push every engine event to the trusted windows that currently show an app page (a window that somehow
 * shows anything else gets nothing). Returns the unsubscribe function.
 */
export function forwardEvents(
  subscribe: (listener: (event: UiEvent) => void) => () => void,
  targets: () => Iterable<EventTarget>,
  log: (message: string) => void = console.warn,
): () => void {
  return subscribe((event) => {
    for (const target of targets()) {
      if (target.isDestroyed() || !isAppUrl(target.getURL())) continue;
      try {
        target.send(EVENT_CHANNEL, event);
      } catch (error) {
        // A window closing mid-send must not stop the others from getting the event.
        log(`could not push an event to a window: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
}
