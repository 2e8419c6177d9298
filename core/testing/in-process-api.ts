/**
 * The in-process transport: a ReviewApi that calls the real engine's one dispatcher (core/rpc via
 * `CoreApp.dispatcher`) directly, with no wire in between. For tests and tools that drive the UI's store or the
 * contract without a browser or Electron. It behaves like the other transports where the renderer can tell:
 *
 *   - requests and answers are copied (structured clone), as a wire would, so neither side can mutate the
 *     other's objects;
 *   - a failed call throws an Error with the engine's `code` and `message` (core/rpc's RpcError body), the same
 *     fields the renderer's ApiError carries;
 *   - events are the engine's own push stream (`CoreApp.subscribe`).
 *
 * Images and exported files are named by `file://` URLs of the files the engine resolves by id (there is no
 * server to fetch them from); a display-sized copy is not made, the original is named.
 */
import { pathToFileURL } from 'node:url';
import type { Channel, RequestOf, ResponseOf, ReviewApi, RpcErrorBody } from '../../shared/contract.ts';
import type { CoreApp } from '../app/types.ts';
import { toRpcErrorBody } from '../rpc.ts';

/** A failed in-process call: the error body every transport carries, plus the channel it came from. */
export class InProcessCallError extends Error {
  readonly code: RpcErrorBody['code'];
  readonly channel: string;
  constructor(body: RpcErrorBody, channel: string) {
    super(body.message);
    this.name = 'InProcessCallError';
    this.code = body.code;
    this.channel = channel;
  }
}

/** What an unresolvable image or file is named: a URL that loads nothing. */
const NOTHING = 'about:blank';

export function createInProcessApi(app: CoreApp): ReviewApi {
  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      try {
        const value = await app.dispatcher.dispatch(channel, structuredClone(request ?? {}));
        return structuredClone(value) as ResponseOf<C>;
      } catch (error) {
        throw new InProcessCallError(toRpcErrorBody(error), channel);
      }
    },
    subscribe: (listener) => app.subscribe((event) => listener(structuredClone(event))),
    imageUrl(runId, imageId) {
      const file = app.resolveImage(runId, imageId);
      return file ? pathToFileURL(file.path).href : NOTHING;
    },
    fileUrl(runId, relPath) {
      const file = app.resolveRunFile(runId, relPath);
      return file ? pathToFileURL(file.path).href : NOTHING;
    },
  };
}
