import { describe, expect, it } from 'vitest';
import { parseDuration, parseFilter } from './parse.ts';

function errorOf(query: string): string {
  const parsed = parseFilter(query);
  expect(parsed.errors).toHaveLength(1);
  return parsed.errors[0]!.message;
}

describe('filter errors', () => {
  it('names the bad token and says how to fix it', () => {
    expect(errorOf('v:A_beter')).toMatch(/unknown verdict "A_beter"; did you mean A_better\?/);
    expect(errorOf('tag:text.mising')).toMatch(/not in the tag taxonomy; did you mean text\.missing\?/);
    expect(errorOf('cat:poster')).toMatch(/unknown category "poster".*text-rendering/);
    expect(errorOf('stage:denoise>20')).toMatch(/add a unit: stage:denoise>20s or stage:denoise>20ms/);
    expect(errorOf('diff>0.5')).toMatch(/add a unit: diff>0.5% .* diff>0.5px/);
    expect(errorOf('diff>150%')).toMatch(/at most 100%/);
    expect(errorOf('ssim<90')).toMatch(/SSIM lies between 0 and 1/);
    expect(errorOf('stage>2s')).toMatch(/name the stage/);
    expect(errorOf('stage:denoise')).toMatch(/needs a comparison, e.g. stage:denoise>20s/);
    expect(errorOf('foo:bar')).toMatch(/unknown filter "foo:"/);
    expect(errorOf('verdcit:tie')).toMatch(/did you mean verdict\?/);
    expect(errorOf('v:')).toMatch(/missing a value, e.g. v:A_better/);
    // OCR is planned, not built: `ocr` is no filter key until the pair data carries OCR scores.
    expect(errorOf('ocr<0.9')).toMatch(/unknown field "ocr"/);
    expect(errorOf('status:broken')).toMatch(/unknown status "broken"/);
    expect(errorOf('is:done')).toMatch(/unknown "is:" value/);
    expect(errorOf('cat:t,x')).toMatch(/unknown category "x"/);
  });

  it('reports positions and keeps the good tokens working', () => {
    const parsed = parseFilter('cat:edit v:nope diff>1%');
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]).toMatchObject({ token: 'v:nope', start: 9, end: 15 });
    expect(parsed.clauses.map((c) => c.kind)).toEqual(['category', 'number']);
  });

  it('refuses a bare number as a duration', () => {
    expect(() => parseDuration('20', 'stage:denoise')).toThrow(/add a unit/);
    expect(parseDuration('1.5m', 'x')).toBe(90_000);
    expect(parseDuration('250ms', 'x')).toBe(250);
  });
});
