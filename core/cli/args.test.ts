import { describe, expect, it } from 'vitest';
import { UsageError, parseIntOption, parseKindOption, parseSecondsOption, parseSizeOption } from './args.ts';

describe('numeric options', () => {
  it('parses whole numbers in range and names the option otherwise', () => {
    expect(parseIntOption('--repeats', '3', 1, 100)).toBe(3);
    expect(() => parseIntOption('--repeats', '0', 1, 100)).toThrow(/--repeats: expected a whole number from 1 to 100, got "0"/);
    expect(() => parseIntOption('--seed', '1.5', 0, 10)).toThrow(UsageError);
    expect(() => parseIntOption('--seed', 'abc', 0, 10)).toThrow(UsageError);
  });
  it('turns seconds into ms', () => {
    expect(parseSecondsOption('--timeout', '2.5', 0.1, 3600)).toBe(2500);
    expect(() => parseSecondsOption('--timeout', '', 0.1, 3600)).toThrow(/--timeout/);
    expect(() => parseSecondsOption('--timeout', '-1', 0.1, 3600)).toThrow(/--timeout/);
  });
});

describe('parseSizeOption', () => {
  it('accepts multiples of 16 and refuses the rest with a reason', () => {
    expect(parseSizeOption('--size', '1024x768')).toBe('1024x768');
    expect(() => parseSizeOption('--size', '1000x1000')).toThrow(/not a multiple of 16 on both sides.*ask for 992x992/);
    expect(() => parseSizeOption('--size', '1024')).toThrow(/--size: size "1024" must look like 1024x1024/);
    expect(() => parseSizeOption('--size', '32x32')).toThrow(/outside 64\.\.4096/);
    expect(() => parseSizeOption('--size', '1024X768')).toThrow(/lowercase x/);
  });
});

describe('parseKindOption', () => {
  it('knows the two protocols', () => {
    expect(parseKindOption('--a-kind', 'diffusers')).toBe('diffusers');
    expect(() => parseKindOption('--a-kind', 'comfy')).toThrow(/vllm-omni, diffusers/);
  });
});
