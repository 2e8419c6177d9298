import { describe, expect, it } from 'vitest';
import { hasToken, tokenize, toggleToken } from './tokens.ts';

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted phrases and offsets', () => {
    const tokens = tokenize('  v:tie "grand opening"  tag:"a b"');
    expect(tokens.map((t) => t.raw)).toEqual(['v:tie', '"grand opening"', 'tag:"a b"']);
    expect(tokens[1]).toMatchObject({ start: 8, end: 23 });
  });
});

describe('bucket tokens', () => {
  it('toggles bucket tokens, replacing others of the same group and keeping the rest', () => {
    expect(toggleToken('foo v:tie', 'v:A_better', ['v:tie', 'v:A_better'])).toBe('foo v:A_better');
    expect(toggleToken('foo v:A_better', 'v:A_better', ['v:tie', 'v:A_better'])).toBe('foo');
    expect(hasToken('foo is:unreviewed', 'is:unreviewed')).toBe(true);
    expect(hasToken('foo is:unreviewedx', 'is:unreviewed')).toBe(false);
  });
});
