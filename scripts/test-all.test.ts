import { describe, expect, it } from 'vitest';
import { runSteps, STEPS, summaryLines, type Step } from './test-all.ts';

const node = (name: string, code: string): Step => ({ name, command: process.execPath, args: ['-e', code] });

describe('npm test (scripts/test-all.ts)', () => {
  it('runs every part, TypeScript and Python, in order', () => {
    expect(STEPS.map((s) => s.name)).toEqual(['typecheck', 'lint', 'check:cycles', 'unit', 'py']);
  });

  it('keeps going after a failure and reports every failure in the summary', async () => {
    const lines: string[] = [];
    const results = await runSteps(
      [node('first', 'process.exit(3)'), node('second', ''), node('third', 'process.exit(1)')],
      process.cwd(),
      (l) => lines.push(l),
    );
    expect(results.map((r) => [r.name, r.ok, r.exit])).toEqual([
      ['first', false, 'exit 3'],
      ['second', true, 'exit 0'],
      ['third', false, 'exit 1'],
    ]);
    const summary = summaryLines(results);
    expect(summary.filter((l) => /^\s+(pass|FAIL)\s/.test(l))).toHaveLength(3);
    expect(summary.at(-1)).toMatch(/^2 of 3 parts failed: first, third \(/);
  });

  it('says when a step could not even start', async () => {
    const [r] = await runSteps([{ name: 'ghost', command: '/nonexistent/omni-review-tool', args: [] }], process.cwd(), () => {});
    expect(r).toMatchObject({ ok: false });
    expect(r?.exit).toMatch(/could not start/);
  });
});
