/**
 * Test worker for worker-pool.test.ts. It counts its starts in a SharedArrayBuffer (workerData.starts), so
 * tests can see how many workers the pool spawned, then behaves as workerData.start says:
 *   'ready'       → posts ready and answers tasks;
 *   'exit'        → exits with code 3 before it is ready (a worker that cannot start);
 *   'unavailable' → posts a message the pool's interpret() turns into a fatal error.
 * A task { value, mode } is answered with value * 2 and the thread id, or: mode 'fail' → an error reply,
 * 'exit' → process.exit(7), 'throw' → an uncaught exception, 'slow' → the answer after 50 ms.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';

export interface EchoTask {
  value: number;
  mode?: 'fail' | 'exit' | 'throw' | 'slow';
}
export interface EchoData {
  starts: Int32Array;
  start: 'ready' | 'exit' | 'unavailable';
}
export type EchoMessage =
  | { type: 'ready' }
  | { type: 'unavailable'; why: string }
  | { type: 'result'; id: number; value?: number; threadId: number; error?: string };

if (!parentPort) throw new Error('echo-worker.ts must run as a worker thread');
const port = parentPort;
const data = workerData as EchoData;
Atomics.add(data.starts, 0, 1);

if (data.start === 'exit') process.exit(3);
if (data.start === 'unavailable') port.postMessage({ type: 'unavailable', why: 'no engine here' } satisfies EchoMessage);
else port.postMessage({ type: 'ready' } satisfies EchoMessage);

port.on('message', ({ id, task }: { id: number; task: EchoTask }) => {
  const answer = (): void => port.postMessage({ type: 'result', id, value: task.value * 2, threadId } satisfies EchoMessage);
  if (task.mode === 'fail') port.postMessage({ type: 'result', id, threadId, error: `cannot do ${task.value}` } satisfies EchoMessage);
  else if (task.mode === 'exit') process.exit(7);
  else if (task.mode === 'throw')
    setImmediate(() => {
      throw new Error('simulated worker bug');
    });
  else if (task.mode === 'slow') setTimeout(answer, 50);
  else answer();
});
