/**
 * Compare worker: started by createComparePool (pool.ts) with `new Worker(new URL('./worker.ts', import.meta.url))`.
 * Node 24 runs this .ts file directly; a bundled Electron main passes its own compiled copy as `workerUrl`.
 */
import { parentPort } from 'node:worker_threads';
import { answerRequest, type CompareRequest, type WorkerMessage } from './protocol.ts';

if (!parentPort) {
  throw new Error('core/compare/worker.ts runs as a worker thread started by createComparePool(), not on its own');
}
const port = parentPort;

port.on('message', (request: CompareRequest) => {
  void answerRequest(request).then((message) => port.postMessage(message));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
