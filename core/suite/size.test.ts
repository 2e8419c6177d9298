import { describe, expect, it } from 'vitest';
import { checkSize } from './size.ts';

describe('checkSize', () => {
  it('accepts WxH sizes in range that are multiples of 16', () => {
    for (const size of ['1024x1024', '768x512', '512x400', '64x64', '4096x4096', '1328x1328']) expect(checkSize(size)).toBeUndefined();
  });

  it('says how to write sizes with the wrong separator', () => {
    expect(checkSize('1024*1024')?.hint).toBe('Write it as 1024x1024.');
    expect(checkSize('1024X768')?.hint).toBe('Write it as 1024x768.');
    expect(checkSize('1024 x 768')?.hint).toBe('Write it as 1024x768.');
    expect(checkSize('1024×768')?.hint).toBe('Write it as 1024x768.');
  });

  it('rejects "auto" and garbage with an example of the format', () => {
    expect(checkSize('auto')?.problem).toMatch(/"auto" is not allowed/);
    expect(checkSize('big')?.problem).toBe('size "big" must look like 1024x1024 (width x height in pixels)');
    expect(checkSize('1024x')?.problem).toMatch(/must look like 1024x1024/);
  });

  it('rejects sides outside 64..4096', () => {
    expect(checkSize('8192x1024')?.problem).toBe('size "8192x1024": width 8192 is outside 64..4096 px');
    expect(checkSize('1024x32')?.problem).toBe('size "1024x32": height 32 is outside 64..4096 px');
  });

  it('rejects sides that are not multiples of 16 and suggests the floored size the servers would use', () => {
    const bad = checkSize('1000x750');
    expect(bad?.problem).toBe('size "1000x750" is not a multiple of 16 on both sides');
    expect(bad?.hint).toMatch(/992x736/);
  });
});
