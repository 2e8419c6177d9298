/**
 * Protocol A's error bodies: FastAPI's `{"detail"}` shapes on the image endpoints, vLLM's ErrorResponse on chat
 * (nested on current servers, flat on the 0.12-era ones).
 */
import type { RequestError } from './request.ts';

/** FastAPI: HTTPException → {"detail": "..."}; request validation → 422 {"detail": [{type, loc, msg, input}]}. */
export function fastApiError(err: RequestError): { status: number; body: unknown } {
  if (err.validation) {
    return {
      status: 422,
      body: { detail: [{ type: err.validation.type, loc: ['body', err.field ?? 'body'], msg: err.validation.msg, input: err.validation.input }] },
    };
  }
  return { status: err.status, body: { detail: err.message } };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  413: 'BadRequestError',
  422: 'BadRequestError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

/** vLLM's ErrorResponse: nested {"error":{…}} on current servers, flat {"object":"error",…} on legacy ones. */
export function openAiError(generation: 'current' | 'legacy', err: RequestError): { status: number; body: unknown } {
  // vLLM turns request validation failures into 400 BadRequestError.
  const status = err.status === 422 ? 400 : err.status;
  const inner = { message: err.message, type: ERROR_TYPES[status] ?? 'InternalServerError', param: err.field ?? null, code: status };
  return { status, body: generation === 'current' ? { error: inner } : { object: 'error', ...inner } };
}
