/**
 * One dispatch for every transport (Electron IPC, the browser-mode HTTP host, the in-process transport of
 * core/testing).
 * The request is validated against shared/contract.ts before a handler sees it, and the handler's answer is
 * validated before it leaves, so no transport can skip validation and a handler bug cannot leak a malformed
 * record into the UI.
 */
import { describeIssues } from '../shared/issue-path.ts';
import {
  CONTRACT,
  isChannel,
  type Channel,
  type ParsedRequestOf,
  type ResponseOf,
  type RpcErrorBody,
} from '../shared/contract.ts';

export type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/** A failure meant for the caller: the code says how to branch, the message says what to do. */
export class RpcError extends Error {
  readonly code: RpcErrorBody['code'];
  constructor(code: RpcErrorBody['code'], message: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message };
  }
}

export interface Dispatcher {
  dispatch(channel: unknown, rawRequest: unknown): Promise<unknown>;
}

export function createDispatcher(handlers: Handlers): Dispatcher {
  return {
    async dispatch(channel, rawRequest) {
      if (!isChannel(channel)) throw new RpcError('unknown-channel', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
      return dispatchChannel(handlers, channel, rawRequest);
    },
  };
}

async function dispatchChannel<C extends Channel>(handlers: Handlers, channel: C, rawRequest: unknown): Promise<ResponseOf<C>> {
  const spec = CONTRACT[channel];
  const parsed = spec.request.safeParse(rawRequest ?? {});
  if (!parsed.success) throw new RpcError('bad-request', `${channel}: ${describeIssues(parsed.error.issues)}`);
  const handler = handlers[channel] as (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
  const value = await handler(parsed.data as ParsedRequestOf<C>);
  const checked = spec.response.safeParse(value);
  if (!checked.success) {
    // A handler bug, not the caller's fault: say so instead of sending a half-valid record.
    throw new RpcError('failed', `${channel}: internal error: response failed validation (${describeIssues(checked.error.issues)})`);
  }
  return checked.data as ResponseOf<C>;
}

/** Map any thrown value onto the wire error body (unexpected errors keep their message, never a stack). */
export function toRpcErrorBody(error: unknown): RpcErrorBody {
  if (error instanceof RpcError) return error.toBody();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'failed', message };
}
