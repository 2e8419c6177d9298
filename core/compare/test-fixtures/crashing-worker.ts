/**
 * Test double of worker.ts for pool.test.ts: answers like the real worker, but dies on purpose when a task's
 * `a` path (a thumbnail job: its reportDir) names a crash mode, so the pool's crash handling and worker replacement can be exercised.
 *   …exit…  → process.exit(7) inside the worker (the thread ends with code 7, no 'error' event)
 *   …throw… → an uncaught exception (an 'error' event, then exit code 1)
 */
import { parentPort } from 'node:worker_threads';
import { answerRequest, type CompareRequest, type WorkerMessage } from '../protocol.ts';

if (!parentPort) throw new Error('crashing-worker.ts must run as a worker thread');
const port = parentPort;

port.on('message', (request: CompareRequest) => {
  const named = request.type === 'compare' ? request.task.a : request.job.reportDir;
  if (named.includes('crash-exit')) process.exit(7);
  if (named.includes('crash-throw')) {
    setImmediate(() => {
      throw new Error('simulated worker bug');
    });
    return;
  }
  void answerRequest(request).then((message) => port.postMessage(message));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
