/**
 * Messages between the compare pool (main thread) and its workers. A worker posts `ready` once its modules
 * (sharp, pixelmatch) have loaded, then answers each request with exactly one response carrying its id.
 * `ready` lets the pool tell a worker that cannot start (bad URL, missing module) from one that crashed mid-task.
 */
import { compareImages } from './compare-images.ts';
import type { CompareOutput, CompareTask } from './types.ts';

export interface CompareRequest {
  type: 'compare';
  id: number;
  task: CompareTask;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; output: CompareOutput }
  | { type: 'result'; id: number; ok: false; message: string };

/** Run one request; expected failures (a file that does not decode) become an error response, never a crash. */
export async function answerRequest(request: CompareRequest): Promise<WorkerMessage> {
  try {
    const output = await compareImages(request.task);
    return { type: 'result', id: request.id, ok: true, output };
  } catch (err) {
    return { type: 'result', id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
