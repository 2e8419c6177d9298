/** Image requests and a recorded PNG for the adapter and protocol tests. */
import type { ImageRequest, InputImage } from '../types.ts';
import { loadRecorded } from './replay-server.ts';

export const PNG_B64 = (loadRecorded('vllm-omni/current', 'edits').body as { data: Array<{ b64_json: string }> }).data[0]!.b64_json;
export const PNG = new Uint8Array(Buffer.from(PNG_B64, 'base64'));
/** A second, different input so multi-image order is observable. */
export const JPEG_LIKE = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6]);

export function input(i: number, bytes: Uint8Array = PNG, mime = 'image/png'): InputImage {
  return { bytes, mime, name: `input-${i}.png` };
}

export function editRequest(images: InputImage[] = [input(0)], extra: Partial<ImageRequest> = {}): ImageRequest {
  return { prompt: 'Add a shop sign that says "OPEN"', seed: 1234, steps: 4, size: '512x384', images, ...extra };
}

export function genRequest(extra: Partial<ImageRequest> = {}): ImageRequest {
  return { prompt: 'A poster that says "HELLO"', seed: 77, steps: 8, size: '640x448', images: [], ...extra };
}
