/**
 * Backend adapters: one per protocol. The runner asks for one by kind and base URL (a real server or a simulator's
 * loopback address; the protocol is the same).
 */
import type { BackendKind } from '../../shared/model.ts';
import { DiffusersAdapter } from './diffusers.ts';
import type { AdapterOptions, OpenAiImageAdapter } from './openai-images/adapter.ts';
import { VllmOmniAdapter } from './vllm-omni.ts';

export type { AdapterOptions } from './openai-images/adapter.ts';
export { OpenAiImageAdapter, DEFAULT_HEALTH_DEADLINE_MS, PATHS } from './openai-images/adapter.ts';
export { VllmOmniAdapter } from './vllm-omni.ts';
export { DiffusersAdapter } from './diffusers.ts';
export { BackendError } from './types.ts';
export type { BackendAdapter, ConnectOptions, ImageRequest, ImageResponse, InputImage, SendOptions } from './types.ts';

/**
 * The adapter for `kind` at `baseUrl` (http(s); a trailing "/v1" is accepted and dropped). Besides the
 * BackendAdapter interface it offers serverInfo() (detection, updated when a send falls back to another path) and
 * close() (drop idle keep-alive connections). Throws BackendError for a URL that is not http(s).
 */
export function createAdapter(kind: BackendKind, baseUrl: string, options: AdapterOptions = {}): OpenAiImageAdapter {
  switch (kind) {
    case 'vllm-omni':
      return new VllmOmniAdapter(baseUrl, options);
    case 'diffusers':
      return new DiffusersAdapter(baseUrl, options);
  }
}
