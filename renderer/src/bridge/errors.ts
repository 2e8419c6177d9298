import type { RpcErrorBody } from '../../../shared/contract.ts';

/** `unreachable`: the transport itself failed (no engine answered), as opposed to an engine-reported error. */
export type ApiErrorCode = RpcErrorBody['code'] | 'unreachable';

/** A failed ReviewApi call: a code to branch on and the engine's sentence for a person. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly channel: string;
  constructor(code: ApiErrorCode, message: string, channel: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.channel = channel;
  }
}

const CODES = new Set<string>(['bad-request', 'not-found', 'conflict', 'failed', 'unknown-channel']);

/** Read an error body from any transport; anything unrecognised becomes a `failed` with what we know. */
export function toApiError(body: unknown, channel: string, fallback: string): ApiError {
  if (body && typeof body === 'object') {
    const { code, message } = body as { code?: unknown; message?: unknown };
    if (typeof message === 'string' && message !== '') {
      return new ApiError(typeof code === 'string' && CODES.has(code) ? (code as ApiErrorCode) : 'failed', message, channel);
    }
  }
  return new ApiError('failed', fallback, channel);
}

/** The sentence to show for any thrown value (ApiErrors carry the engine's; anything else its message). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
