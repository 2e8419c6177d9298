/**
 * Errors from the embedded simulator, told as what happened. The adapters phrase a dropped connection for a real
 * server ("the server may have crashed or restarted … see its log"); the embedded simulator runs inside this
 * process and has no log of its own, so for it that advice is wrong. The simulator records why it dropped a
 * connection (SimServer.lastDrop) and this wrapper says that instead.
 */
import type { SimServer } from '../backends/sim/types.ts';
import { BackendError, type BackendAdapter } from '../backends/types.ts';

const REAL_SERVER_ADVICE = / The server may have crashed or restarted:.*$/;

export function explainEmbeddedSimErrors(adapter: BackendAdapter, sim: Pick<SimServer, 'lastDrop'>): BackendAdapter {
  const explain = (error: unknown): unknown => {
    if (!(error instanceof BackendError) || error.kind !== 'network' || !REAL_SERVER_ADVICE.test(error.message)) return error;
    const why = sim.lastDrop() ?? 'it closed the connection without recording why, which is a bug in the simulator';
    return new BackendError(`${error.message.replace(REAL_SERVER_ADVICE, '')} This is the embedded simulator, running inside this process: ${why}.`, {
      kind: error.kind,
      ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
      ...(error.url === undefined ? {} : { url: error.url }),
      retryable: error.retryable,
      cause: error,
    });
  };
  return {
    kind: adapter.kind,
    baseUrl: adapter.baseUrl,
    connect: (options) => adapter.connect(options),
    send: async (request, options) => {
      try {
        return await adapter.send(request, options);
      } catch (error) {
        throw explain(error);
      }
    },
    ...(adapter.serverInfo ? { serverInfo: adapter.serverInfo.bind(adapter) } : {}),
    ...(adapter.close ? { close: adapter.close.bind(adapter) } : {}),
  };
}
