import { describe, expect, it } from 'vitest';
import {
  explainModelMismatch,
  httpError,
  isRetryableStatus,
  parseErrorBody,
  protocolError,
  snippet,
  timeoutError,
  cancelledError,
  transportError,
} from './errors.ts';
import { loadRecorded, type FixtureSet } from './testing/replay-server.ts';
import { BackendError } from './types.ts';

const URL_EDITS = 'http://127.0.0.1:8091/v1/images/edits';

function fixtureBody(set: FixtureSet, name: string): string {
  const r = loadRecorded(set, name);
  return r.bodyText ?? JSON.stringify(r.body);
}

describe('parseErrorBody', () => {
  it('reads FastAPI {"detail": "..."}', () => {
    const p = parseErrorBody(fixtureBody('vllm-omni/current', 'error-multiple-images'));
    expect(p).toEqual({ shape: 'detail', message: 'Received multiple input images. Only a single image is supported by this model.' });
  });

  it("reads FastAPI's list of validation errors as loc: msg pairs", () => {
    const p = parseErrorBody(fixtureBody('vllm-omni/current', 'error-validation'));
    expect(p.shape).toBe('detail-list');
    expect(p.message).toBe('body.prompt: Field required; body.seed: Input should be a valid integer, unable to parse string as an integer');
  });

  it('summarises a long validation list', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ loc: ['body', `f${i}`], msg: 'bad' }));
    expect(parseErrorBody(JSON.stringify({ detail: items })).message).toMatch(/body\.f4: bad; and 2 more$/);
  });

  it('reads the nested {"error": {...}} shape with its fields', () => {
    const p = parseErrorBody(fixtureBody('vllm-omni/current', 'error-chat-nested'));
    expect(p).toEqual({
      shape: 'nested',
      message: 'Image generation failed: CUDA out of memory. Tried to allocate 2.00 GiB',
      type: 'InternalServerError',
      code: 500,
    });
  });

  it('reads the flat {"object": "error", ...} shape', () => {
    const p = parseErrorBody(fixtureBody('vllm-omni/legacy', 'error-flat'));
    expect(p.shape).toBe('flat');
    expect(p.type).toBe('BadRequestError');
    expect(p.code).toBe(400);
    expect(p.message).toContain("'loc': ('body', 'messages')");
  });

  it('keeps a snippet of text bodies and handles empty ones', () => {
    expect(parseErrorBody(fixtureBody('vllm-omni/legacy', 'models'))).toEqual({ shape: 'text', message: 'Internal Server Error' });
    const html = `<html>\n<body>${'x'.repeat(500)}</body></html>`;
    const p = parseErrorBody(html);
    expect(p.shape).toBe('text');
    expect(p.message.length).toBeLessThanOrEqual(200);
    expect(p.message.startsWith('<html> <body>')).toBe(true);
    expect(parseErrorBody('  \n')).toEqual({ shape: 'empty', message: '' });
  });

  it('treats JSON of no known shape as text', () => {
    expect(parseErrorBody('{"status":"unhealthy"}')).toEqual({ shape: 'text', message: '{"status":"unhealthy"}' });
    expect(parseErrorBody('[1,2]').shape).toBe('text');
  });
});

describe('status policy', () => {
  it('retries 429/502/503/504 and nothing else', () => {
    for (const s of [429, 502, 503, 504]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [400, 401, 404, 405, 422, 500]) expect(isRetryableStatus(s)).toBe(false);
  });
});

describe('httpError', () => {
  it('names the method, URL and status and carries the server message', () => {
    const e = httpError({ method: 'POST', url: URL_EDITS, status: 422, body: fixtureBody('vllm-omni/current', 'error-image-required') });
    expect(e).toBeInstanceOf(BackendError);
    expect(e.kind).toBe('http');
    expect(e.httpStatus).toBe(422);
    expect(e.url).toBe(URL_EDITS);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^POST http:\/\/127\.0\.0\.1:8091\/v1\/images\/edits failed with HTTP 422: Field 'image' or 'url' is required\./);
  });

  it('marks 503 retryable and says why', () => {
    const e = httpError({ method: 'POST', url: URL_EDITS, status: 503, body: fixtureBody('vllm-omni/current', 'error-unavailable') });
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('No diffusion stage found');
    expect(e.message).toContain('can be retried');
  });

  it('does not retry a 500', () => {
    const e = httpError({ method: 'POST', url: URL_EDITS, status: 500, body: fixtureBody('vllm-omni/current', 'error-generation-failed') });
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('CUDA out of memory');
    expect(e.message).toContain('see its log');
  });

  it('explains a model mismatch with the served name', () => {
    const e = httpError({ method: 'POST', url: URL_EDITS, status: 400, body: fixtureBody('vllm-omni/current', 'error-model-mismatch') });
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`The server serves "Qwen/Qwen-Image-Edit" but the request named "Qwen/Qwen-Image"`);
    expect(e.message).toContain('leave the model unset');
  });

  it('says when the body was empty', () => {
    expect(httpError({ method: 'GET', url: 'http://h/x', status: 502, body: '' }).message).toContain('HTTP 502: (empty body)');
  });
});

describe('explainModelMismatch', () => {
  it('returns null for other messages and generic advice when the names are not quoted', () => {
    expect(explainModelMismatch('bad size')).toBeNull();
    expect(explainModelMismatch("Model mismatch: request specifies 'a'; this server provides b")).toContain('GET /v1/models');
  });
});

describe('transportError', () => {
  const ctx = { method: 'POST', url: 'http://127.0.0.1:8092/v1/images/edits' };
  const sysErr = (code: string, message = code): Error => Object.assign(new Error(message), { code });

  it('connection refused: retryable network error naming the server and port', () => {
    const e = transportError(sysErr('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8092'), ctx);
    expect(e.kind).toBe('network');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('POST http://127.0.0.1:8092/v1/images/edits: connection refused');
    expect(e.message).toContain('listening on port 8092');
  });

  it('reset and socket hang up: retryable, suggests the server crashed', () => {
    expect(transportError(sysErr('ECONNRESET'), ctx).message).toContain('may have crashed or restarted');
    const hang = transportError(new Error('socket hang up'), ctx);
    expect(hang.kind).toBe('network');
    expect(hang.retryable).toBe(true);
    expect(hang.message).toContain('socket hang up');
  });

  it('unknown host is not retryable', () => {
    const e = transportError(sysErr('ENOTFOUND'), { method: 'GET', url: 'http://no-such-host:8000/health' });
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('host not found');
  });
});

describe('timeout, cancel and protocol errors', () => {
  const ctx = { method: 'POST', url: URL_EDITS };
  it('timeout is retryable and says how long', () => {
    const e = timeoutError(ctx, 300_000);
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('timed out after 5 min');
  });
  it('cancel is not retryable', () => {
    const e = cancelledError(ctx);
    expect(e.kind).toBe('cancelled');
    expect(e.retryable).toBe(false);
  });
  it('protocol errors quote a short snippet of what came back', () => {
    const e = protocolError({ ...ctx, status: 200 }, 'the response is not valid JSON', `<html>${'y'.repeat(1000)}`);
    expect(e.kind).toBe('protocol');
    expect(e.retryable).toBe(false);
    expect(e.httpStatus).toBe(200);
    expect(e.message).toMatch(/^POST .* \(HTTP 200\): the response is not valid JSON\. Got: <html>y+…$/);
    expect(e.message.length).toBeLessThan(400);
  });
  it('snippet collapses whitespace', () => {
    expect(snippet('a\n\n  b\tc')).toBe('a b c');
    expect(snippet('abcdef', 4)).toBe('abc…');
  });
});
