import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('seed', 'seed')).toBe(0);
    expect(editDistance('negativ_prompt', 'negative_prompt')).toBe(1);
    expect(editDistance('stpes', 'steps')).toBe(1);
    expect(editDistance('seed', 'size')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closestMatch', () => {
  const caseKeys = ['id', 'category', 'title', 'input', 'inputs', 'prompt', 'negative_prompt', 'expected_text', 'turns', 'params', 'tags'];

  it('finds the key a typo was meant to be', () => {
    expect(closestMatch('negativ_prompt', caseKeys)).toBe('negative_prompt');
    expect(closestMatch('promt', caseKeys)).toBe('prompt');
    expect(closestMatch('tag', caseKeys)).toBe('tags');
    expect(closestMatch('expected_txt', caseKeys)).toBe('expected_text');
  });

  it('maps camelCase, hyphens and spaces onto snake_case keys', () => {
    expect(closestMatch('negativePrompt', caseKeys)).toBe('negative_prompt');
    expect(closestMatch('expected-text', caseKeys)).toBe('expected_text');
    expect(closestMatch('trueCfgScale', ['seed', 'steps', 'true_cfg_scale', 'size'])).toBe('true_cfg_scale');
  });

  it('suggests the one candidate a truncated word starts', () => {
    expect(closestMatch('text', ['text-rendering', 'style-transfer', 'multi-turn', 'edit', 'generation'])).toBe('text-rendering');
    expect(closestMatch('style', ['text-rendering', 'style-transfer', 'multi-turn', 'edit', 'generation'])).toBe('style-transfer');
  });

  it('suggests nothing when nothing is plausibly meant', () => {
    expect(closestMatch('colour', caseKeys)).toBeUndefined();
    expect(closestMatch('zz', caseKeys)).toBeUndefined();
    // "inp" starts both input and inputs: ambiguous, so no guess.
    expect(closestMatch('inp', caseKeys)).toBeUndefined();
  });
});
