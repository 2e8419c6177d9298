/**
 * ReviewApi over the Electron preload's one allow-listed bridge (`window.reviewApi`). The preload returns
 * results as values ({ok, value} | {ok:false, error}) because errors thrown across contextBridge lose their
 * fields; here they become ApiErrors again. Images and exported files come through the `omni:` protocol by id.
 */
import { previewQuery, type Channel, type RequestOf, type ResponseOf, type ReviewApi, type UiEvent } from '../../../shared/contract.ts';
import { ApiError, toApiError } from './errors.ts';

export type RawResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The shape the preload installs on window.reviewApi. */
export interface RawBridge {
  call(channel: string, request: unknown): Promise<RawResult>;
  subscribe(listener: (event: UiEvent) => void): () => void;
}

export function isRawBridge(value: unknown): value is RawBridge {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.call === 'function' && typeof v.subscribe === 'function';
}

export function encodePath(relPath: string): string {
  return relPath.split('/').map(encodeURIComponent).join('/');
}

export function createElectronApi(raw: RawBridge): ReviewApi {
  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      let result: RawResult;
      try {
        result = await raw.call(channel, request);
      } catch (error) {
        // Only a broken shell lands here (the preload answers with values); say where it broke.
        const detail = error instanceof Error ? error.message : String(error);
        throw new ApiError('unreachable', `${channel}: the app shell did not answer (${detail}); restart Omni Review`, channel);
      }
      if (result && typeof result === 'object' && result.ok === true) return result.value as ResponseOf<C>;
      const body = result && typeof result === 'object' && result.ok === false ? result.error : undefined;
      throw toApiError(body, channel, `${channel}: the app shell sent a malformed answer`);
    },
    subscribe: (listener) => raw.subscribe(listener),
    imageUrl: (runId, imageId, options) => `omni://img/${encodeURIComponent(runId)}/${encodeURIComponent(imageId)}${previewQuery(options)}`,
    fileUrl: (runId, file) => `omni://file/${encodeURIComponent(runId)}/${encodePath(file)}`,
  };
}
