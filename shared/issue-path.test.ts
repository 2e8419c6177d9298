import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssue, describeIssues, fieldPathOf, formatFieldPath } from './issue-path.ts';

describe('formatFieldPath', () => {
  it('writes keys with dots and indices in brackets', () => {
    expect(formatFieldPath(['cases', 3, 'turns', 0, 'prompt'])).toBe('cases[3].turns[0].prompt');
    expect(formatFieldPath(['pairs', 3, 'A', 'status'])).toBe('pairs[3].A.status');
    expect(formatFieldPath([0, 'id'])).toBe('[0].id');
    expect(formatFieldPath(['a', 'b'])).toBe('a.b');
  });

  it('is empty for the value as a whole and leaves symbol keys out', () => {
    expect(formatFieldPath([])).toBe('');
    expect(formatFieldPath(['a', Symbol('s'), 1])).toBe('a[1]');
    expect(fieldPathOf(['a', Symbol('s'), 1])).toEqual(['a', 1]);
  });
});

describe('describeIssue / describeIssues', () => {
  const Schema = z.object({ cases: z.array(z.object({ prompt: z.string() })), name: z.string() });

  it('names the field of a real zod issue, and the root for the value as a whole', () => {
    const bad = Schema.safeParse({ cases: [{ prompt: 'ok' }, { prompt: 7 }], name: 'x' });
    expect(bad.success).toBe(false);
    expect(describeIssue(bad.error!.issues[0]!)).toMatch(/^cases\[1\]\.prompt: /);
    const notObject = Schema.safeParse(42);
    expect(describeIssue(notObject.error!.issues[0]!)).toMatch(/^\(root\): /);
  });

  it('lists the first issues and counts the rest', () => {
    const issues = [
      { path: ['a'], message: 'one' },
      { path: ['b', 0], message: 'two' },
      { path: [], message: 'three' },
    ];
    expect(describeIssues(issues)).toBe('a: one (+2 more)');
    expect(describeIssues(issues, 3)).toBe('a: one; b[0]: two; (root): three');
    expect(describeIssues([])).toBe('invalid value');
  });
});
