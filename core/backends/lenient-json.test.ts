import { describe, expect, it } from 'vitest';
import { nonFiniteToNull, parseLenientJson } from './lenient-json.ts';

describe('nonFiniteToNull', () => {
  it('rewrites bare NaN, Infinity and -Infinity, as Python\'s json.dumps writes them', () => {
    const py = '{"stage_durations": {"a": NaN, "b": Infinity, "c": -Infinity, "d": 1.5}, "peak_memory_mb": NaN, "l": [NaN,Infinity]}';
    const { text, count } = nonFiniteToNull(py);
    expect(count).toBe(6);
    expect(JSON.parse(text)).toEqual({ stage_durations: { a: null, b: null, c: null, d: 1.5 }, peak_memory_mb: null, l: [null, null] });
  });

  it('never touches strings, escaped quotes and backslashes included', () => {
    const src = String.raw`{"p": "NaN", "q": "say \"NaN\" and Infinity", "r": "ends with a backslash \\", "s": NaN, "t": "-Infinity\\\"NaN"}`;
    const { text, count } = nonFiniteToNull(src);
    expect(count).toBe(1);
    expect(JSON.parse(text)).toEqual({ p: 'NaN', q: 'say "NaN" and Infinity', r: 'ends with a backslash \\', s: null, t: '-Infinity\\"NaN' });
  });

  it('leaves words that only contain the tokens, and text without them, alone', () => {
    expect(nonFiniteToNull('{"a": NaNa}').count).toBe(0);
    expect(nonFiniteToNull('{"a": xInfinity}').count).toBe(0);
    expect(nonFiniteToNull('{"a": 1, "b": "x"}')).toEqual({ text: '{"a": 1, "b": "x"}', count: 0 });
    expect(nonFiniteToNull('[NaN]').text).toBe('[null]');
    expect(nonFiniteToNull('NaN').text).toBe('null');
  });
});

describe('parseLenientJson', () => {
  it('parses valid JSON as is and says nothing was rewritten', () => {
    expect(parseLenientJson('{"a": "NaN"}')).toEqual({ value: { a: 'NaN' }, nonFinite: 0 });
  });

  it('keeps the image of a response with a bare NaN timing', () => {
    const body = '{"data": [{"b64_json": "iVBORw0KGgo="}], "metrics": {"peak_memory_mb": NaN}}';
    expect(() => JSON.parse(body)).toThrow();
    const { value, nonFinite } = parseLenientJson(body);
    expect(nonFinite).toBe(1);
    expect(value).toEqual({ data: [{ b64_json: 'iVBORw0KGgo=' }], metrics: { peak_memory_mb: null } });
  });

  it('still refuses a body that is broken in another way, with the parser\'s message', () => {
    expect(() => parseLenientJson('{"a": NaN')).toThrow(SyntaxError);
    expect(() => parseLenientJson('{"a": nan}')).toThrow(SyntaxError);
  });
});
