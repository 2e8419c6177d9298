/**
 * Messages between the compare pool (main thread) and its workers. A worker posts `ready` once its modules
 * (sharp, pixelmatch) have loaded, then answers each request with exactly one response carrying its id.
 * `ready` lets the pool tell a worker that cannot start (bad URL, missing module) from one that crashed mid-task.
 */
import { prepareThumbnails } from '../reports/thumbnails.ts';
import { compareImages } from './compare-images.ts';
import type { CompareOutput, CompareTask, ThumbnailJob, ThumbnailJobResult } from './types.ts';

/** The pool's work: a comparison, or the report thumbnails of a compared pair's images (ThumbnailJob). */
export type PoolTask = { type: 'compare'; task: CompareTask } | { type: 'thumbnails'; job: ThumbnailJob };

export type PoolOutput = { type: 'compare'; output: CompareOutput } | { type: 'thumbnails'; result: ThumbnailJobResult };

export type CompareRequest = PoolTask & { id: number };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; output: PoolOutput }
  | { type: 'result'; id: number; ok: false; message: string };

/** Run one request; expected failures (a file that does not decode) become an error response, never a crash. */
export async function answerRequest(request: CompareRequest): Promise<WorkerMessage> {
  try {
    const output: PoolOutput =
      request.type === 'compare'
        ? { type: 'compare', output: await compareImages(request.task) }
        : { type: 'thumbnails', result: await prepareThumbnails(request.job.reportDir, request.job.images) };
    return { type: 'result', id: request.id, ok: true, output };
  } catch (err) {
    return { type: 'result', id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
