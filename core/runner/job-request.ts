/**
 * The request a job sends: turn 1 edits the case's input images (none: generation), turn N edits the same
 * side's turn N−1 output. Images are read from the run folder by content id.
 */
import { readFile } from 'node:fs/promises';
import type { Job, SuiteCase } from '../../shared/model.ts';
import type { ImageRequest, InputImage } from '../backends/types.ts';
import { extForMime } from '../store/image-file.ts';
import type { RunStore } from '../store/types.ts';
import { errorMessage } from './send.ts';

async function loadImage(store: RunStore, id: string, baseName: string, what: string): Promise<InputImage> {
  const stored = store.getImage(id);
  if (!stored) {
    throw new Error(`${what} (image ${id}) is not in the run folder ${store.dir}: the run is incomplete; create it again`);
  }
  const file = store.imagePath(id);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(`${what}: cannot read ${file} (${errorMessage(error)})`, { cause: error });
  }
  return {
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    mime: stored.mime,
    name: `${baseName}.${extForMime(stored.mime)}`,
  };
}

/**
 * @param suiteCase the job's case (needed for turn 1)
 * @param previousImageId this side's output of the previous turn (needed for turn 2 and later)
 */
export async function buildRequest(
  store: RunStore,
  job: Job,
  suiteCase: SuiteCase | undefined,
  previousImageId: string | undefined,
): Promise<ImageRequest> {
  let images: InputImage[];
  if (job.turn === 1) {
    if (!suiteCase) throw new Error(`job ${job.id}: case "${job.caseId}" is not in the run's suite`);
    images = await Promise.all(
      suiteCase.inputs.map((id, i) => loadImage(store, id, `input-${i}`, `input ${i + 1} of case "${suiteCase.id}"`)),
    );
  } else {
    if (!previousImageId) throw new Error(`internal: job ${job.id} started before turn ${job.turn - 1} had an image`);
    images = [await loadImage(store, previousImageId, `turn-${job.turn - 1}`, `the ${job.side} output of turn ${job.turn - 1}`)];
  }
  const r = job.request;
  return {
    prompt: r.prompt,
    ...(r.negativePrompt === undefined ? {} : { negativePrompt: r.negativePrompt }),
    seed: r.seed,
    steps: r.steps,
    ...(r.trueCfgScale === undefined ? {} : { trueCfgScale: r.trueCfgScale }),
    size: r.size,
    images,
  };
}
