/**
 * ReviewApi over the browser-mode HTTP host: `POST /rpc/<channel>` (JSON in, JSON value out; 4xx/5xx carry
 * `{code, message}`), push events as Server-Sent Events on `GET /events`, images on `/img/<runId>/<imageId>`,
 * exported files on `/files/<runId>/<relPath>`.
 *
 * One events connection is shared by every subscriber; it is opened on the first subscribe, closed with the
 * last unsubscribe, and reconnects with capped backoff in between. Events missed while disconnected are not
 * replayed (the contract has no cursor): the UI refetches what it shows when a run event arrives.
 */
import { previewQuery, type Channel, type RequestOf, type ResponseOf, type ReviewApi, type UiEvent } from '../../../shared/contract.ts';
import { encodePath } from './electron.ts';
import { ApiError, toApiError } from './errors.ts';
import { SseParser, backoffMs } from './sse.ts';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpApiOptions {
  /** Origin of the host, e.g. http://127.0.0.1:4173 (no trailing slash). */
  baseUrl: string;
  fetch?: FetchLike;
  /** Timer for reconnects (tests pass a recording one). Returns a cancel function. */
  setTimer?: (fn: () => void, ms: number) => () => void;
}

const EVENT_TYPES = new Set(['run-updated', 'pairs-changed', 'sweep-updated']);

export function createHttpApi(options: HttpApiOptions): ReviewApi {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const setTimer =
    options.setTimer ??
    ((fn: () => void, ms: number) => {
      const id = setTimeout(fn, ms);
      return () => clearTimeout(id);
    });

  const listeners = new Set<(event: UiEvent) => void>();
  let connection: AbortController | null = null;
  let cancelRetry: (() => void) | null = null;
  let failures = 0;

  function dispatch(payload: string): void {
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      console.warn(`omni-review: ignored a malformed event from ${base}/events`);
      return;
    }
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !EVENT_TYPES.has(type)) return;
    for (const listener of [...listeners]) listener(event as UiEvent);
  }

  function connect(): void {
    const controller = new AbortController();
    connection = controller;
    void (async () => {
      try {
        const res = await doFetch(`${base}/events`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        failures = 0;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        const parser = new SseParser();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const payload of parser.push(decoder.decode(value, { stream: true }))) dispatch(payload);
        }
      } catch {
        // fall through to the reconnect below; an abort means we were closed on purpose
      }
      if (controller.signal.aborted || connection !== controller || listeners.size === 0) return;
      failures++;
      cancelRetry = setTimer(() => {
        cancelRetry = null;
        if (connection === controller && listeners.size > 0) connect();
      }, backoffMs(failures));
    })();
  }

  function disconnect(): void {
    cancelRetry?.();
    cancelRetry = null;
    connection?.abort();
    connection = null;
    failures = 0;
  }

  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const url = `${base}/rpc/${channel}`;
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request ?? {}),
        });
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new ApiError('unreachable', `cannot reach the Omni Review engine at ${base} (${detail}); is \`omni-review serve\` still running?`, channel);
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: reported below with the status and URL
      }
      if (!res.ok) throw toApiError(body, channel, `${channel}: HTTP ${res.status} from ${url}`);
      if (body === undefined) throw new ApiError('failed', `${channel}: ${url} answered ${res.status} without a JSON body`, channel);
      return body as ResponseOf<C>;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (connection === null) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) disconnect();
      };
    },
    imageUrl: (runId, imageId, options) => `${base}/img/${encodeURIComponent(runId)}/${encodeURIComponent(imageId)}${previewQuery(options)}`,
    fileUrl: (runId, file) => `${base}/files/${encodeURIComponent(runId)}/${encodePath(file)}`,
  };
}
