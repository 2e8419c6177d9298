/**
 * Turning what went wrong on the wire into BackendErrors a person can act on.
 *
 * vLLM-Omni answers errors in three shapes depending on version and route (reference/vllm-omni-api.md §1):
 *   FastAPI HTTPException          {"detail": "..."}   (or, for validation errors, {"detail": [{loc, msg, …}]})
 *   current ErrorResponse (N)      {"error": {"message", "type", "param", "code"}}
 *   0.12-era ErrorResponse (S)     {"object": "error", "message", "type", "param", "code"}
 * Anything else (a proxy's HTML page, Starlette's plain "Internal Server Error") becomes a short text snippet.
 *
 * Every function here is pure; the HTTP client and the adapters call them.
 */
import { z } from 'zod';
import { BackendError } from './types.ts';

/** Where a failure happened, for the message: "POST http://127.0.0.1:8000/v1/images/edits". */
export interface RequestContext {
  method: string;
  url: string;
}

export type ErrorBodyShape = 'detail' | 'detail-list' | 'nested' | 'flat' | 'text' | 'empty';

export interface ParsedErrorBody {
  shape: ErrorBodyShape;
  /** One line; empty only for an empty body. */
  message: string;
  type?: string;
  param?: string;
  code?: string | number;
}

const SNIPPET_CHARS = 200;

/** Whitespace collapsed, cut to `max` characters with an ellipsis: safe to put in a one-line message. */
export function snippet(text: string, max = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

const ValidationItemSchema = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])).optional(),
  msg: z.string().optional(),
});
const DetailSchema = z.looseObject({ detail: z.unknown() });
const ErrorFieldsSchema = z.looseObject({
  message: z.string(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
});
const NestedSchema = z.looseObject({ error: z.union([ErrorFieldsSchema, z.string()]) });
const FlatSchema = ErrorFieldsSchema.extend({ object: z.literal('error').optional() });

function optionalFields(f: z.infer<typeof ErrorFieldsSchema>): Pick<ParsedErrorBody, 'type' | 'param' | 'code'> {
  return {
    ...(f.type == null ? {} : { type: f.type }),
    ...(f.param == null ? {} : { param: f.param }),
    ...(f.code == null ? {} : { code: f.code }),
  };
}

/** FastAPI's 422 body: [{"loc":["body","prompt"],"msg":"Field required",…}] → "body.prompt: Field required". */
function describeValidationList(items: unknown[]): string {
  const parts = items.slice(0, 5).map((item) => {
    const parsed = ValidationItemSchema.safeParse(item);
    if (!parsed.success) return snippet(JSON.stringify(item), 80);
    const where = parsed.data.loc?.join('.') ?? '';
    const what = parsed.data.msg ?? 'invalid';
    return where ? `${where}: ${what}` : what;
  });
  const more = items.length > 5 ? `; and ${items.length - 5} more` : '';
  return `${parts.join('; ')}${more}`;
}

/** Recognise one of the three vLLM-Omni error shapes in a response body; otherwise keep a text snippet. */
export function parseErrorBody(body: string): ParsedErrorBody {
  if (body.trim() === '') return { shape: 'empty', message: '' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { shape: 'text', message: snippet(body) };
  }
  const detail = DetailSchema.safeParse(json);
  if (detail.success) {
    const d = detail.data.detail;
    if (typeof d === 'string') return { shape: 'detail', message: snippet(d, 500) };
    if (Array.isArray(d)) return { shape: 'detail-list', message: snippet(describeValidationList(d), 500) };
    return { shape: 'detail', message: snippet(JSON.stringify(d)) };
  }
  const nested = NestedSchema.safeParse(json);
  if (nested.success) {
    const e = nested.data.error;
    if (typeof e === 'string') return { shape: 'nested', message: snippet(e, 500) };
    return { shape: 'nested', message: snippet(e.message, 500), ...optionalFields(e) };
  }
  const flat = FlatSchema.safeParse(json);
  if (flat.success) return { shape: 'flat', message: snippet(flat.data.message, 500), ...optionalFields(flat.data) };
  return { shape: 'text', message: snippet(body) };
}

/** Statuses worth retrying: the server is overloaded, restarting or behind a struggling proxy. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * vLLM-Omni (current) rejects a request whose `model` differs from the served name with 400
 * "Model mismatch: request specifies 'X' but server is running 'Y'." Returns the advice, or null.
 */
export function explainModelMismatch(message: string): string | null {
  if (!/model mismatch/i.test(message)) return null;
  const m =
    /request specifies '([^']*)' but server is running '([^']*)'/i.exec(message) ??
    /request specifies "([^"]*)" but server is running "([^"]*)"/i.exec(message);
  if (m) {
    return `The server serves "${m[2]}" but the request named "${m[1]}": set the backend's model to "${m[2]}" or leave the model unset.`;
  }
  return "The request's model is not the one the server serves: pass the served name (see GET /v1/models) or leave the model unset.";
}

function statusHint(status: number): string {
  if (status === 429) return 'The server is rate-limiting; the request can be retried later.';
  if (status === 502 || status === 504) return 'A proxy in front of the server did not get an answer; the request can be retried.';
  if (status === 503) return 'The server is unavailable (still loading or overloaded); the request can be retried.';
  if (status === 404) return 'The server has no such route: check the base URL and that it is a supported server version.';
  if (status === 405) return 'The server does not accept this method on this route: check the base URL and the server version.';
  if (status === 400 || status === 422) return 'The server rejected the request parameters: check the case parameters (size, steps, images).';
  if (status >= 500) return 'The server failed while handling the request: see its log.';
  return '';
}

/** A redirect's target, as the server sent it, made safe to print on one line. */
function redirectHint(status: number, location: string | undefined): string | null {
  if (status < 300 || status >= 400) return null;
  if (!location) return 'The server answered with a redirect but no Location: check the base URL (we do not follow redirects).';
  const shown = Array.from(location, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('').trim().slice(0, 200);
  return `The server redirects to ${shown} (we do not follow redirects): check the base URL, e.g. http:// vs https:// or a path prefix.`;
}

/**
 * An HTTP error status → BackendError whose message names the request, the status and what to do. `location` is
 * the response's Location header, shown for a 3xx so a wrong base URL (http for https, a missing prefix) is obvious.
 */
export function httpError(ctx: RequestContext & { status: number; body: string; location?: string | undefined }): BackendError {
  const parsed = parseErrorBody(ctx.body);
  const said = parsed.message === '' ? '(empty body)' : /[.!?…]$/.test(parsed.message) ? parsed.message : `${parsed.message}.`;
  const advice =
    redirectHint(ctx.status, ctx.location) ?? (ctx.status === 400 ? explainModelMismatch(parsed.message) : null) ?? statusHint(ctx.status);
  const message = `${ctx.method} ${ctx.url} failed with HTTP ${ctx.status}: ${said}${advice ? ` ${advice}` : ''}`;
  return new BackendError(message, {
    kind: 'http',
    httpStatus: ctx.status,
    url: ctx.url,
    retryable: isRetryableStatus(ctx.status),
  });
}

function portOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    return '?';
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Node's system error code, when there is one ("ECONNREFUSED", …). */
function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** A socket-level failure (refused, reset, host not found) → a retryable `network` BackendError. */
export function transportError(err: unknown, ctx: RequestContext): BackendError {
  const code = errorCode(err);
  const text = err instanceof Error ? err.message : String(err);
  const where = `${ctx.method} ${ctx.url}`;
  const port = portOf(ctx.url);
  const origin = originOf(ctx.url);
  let message: string;
  let retryable = true;
  if (code === 'ECONNREFUSED') {
    message = `${where}: connection refused. Check that the server at ${origin} is up and listening on port ${port}.`;
  } else if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(text)) {
    message = `${where}: the connection was closed before a complete response (${code ?? 'socket hang up'}). The server may have crashed or restarted: check it is up at ${origin} (port ${port}) and see its log.`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = `${where}: host not found (${code}). Check the host name in ${origin}.`;
    retryable = code === 'EAI_AGAIN';
  } else if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNABORTED') {
    message = `${where}: network unreachable (${code}). Check that ${origin} can be reached from this machine.`;
  } else {
    message = `${where}: ${code ? `${code} ` : ''}${snippet(text)}. Check that the server at ${origin} is up and that the URL is right.`;
    retryable = code !== undefined;
  }
  return new BackendError(message, { kind: 'network', url: ctx.url, retryable, cause: err });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

export function timeoutError(ctx: RequestContext, timeoutMs: number): BackendError {
  return new BackendError(
    `${ctx.method} ${ctx.url} timed out after ${formatDuration(timeoutMs)} without a complete response. The server may be overloaded or stuck: raise the timeout or check the server.`,
    { kind: 'timeout', url: ctx.url, retryable: true },
  );
}

export function cancelledError(ctx: RequestContext): BackendError {
  return new BackendError(`${ctx.method} ${ctx.url} was cancelled.`, { kind: 'cancelled', url: ctx.url, retryable: false });
}

/**
 * The server answered 2xx but not in the protocol (garbage JSON, no image, not an image). Not retryable: the same
 * server will most likely answer the same way again.
 */
export function protocolError(ctx: RequestContext & { status?: number }, problem: string, got?: string): BackendError {
  const quoted = got === undefined ? '' : ` Got: ${got === '' ? '(empty body)' : snippet(got)}`;
  return new BackendError(`${ctx.method} ${ctx.url}${ctx.status === undefined ? '' : ` (HTTP ${ctx.status})`}: ${problem}.${quoted}`, {
    kind: 'protocol',
    ...(ctx.status === undefined ? {} : { httpStatus: ctx.status }),
    url: ctx.url,
    retryable: false,
  });
}
