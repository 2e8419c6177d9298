import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuiteFile, parseSuiteText, SuiteError } from './load.ts';
import { loadSuiteFileOffThread, parseSuiteTextOffThread } from './load-off-thread.ts';

const DEMO = fileURLToPath(new URL('../../fixtures/suites/smoke.yaml', import.meta.url));

describe('the suite loader off the main thread', () => {
  it('gives the same suite as in-process, input images included', async () => {
    const [off, here] = await Promise.all([loadSuiteFileOffThread(DEMO), loadSuiteFile(DEMO)]);
    expect(off.suite).toEqual(here.suite);
    expect(off.file).toBe(here.file);
    expect([...off.inputs.entries()]).toEqual([...here.inputs.entries()]);
  });

  it('gives the same SuiteError, every issue with its line', async () => {
    const text = 'name: bad\ncases:\n  - id: a\n    category: nope\n    prompt: x\n  - id: a\n    category: generation\n    prompt: y\n';
    const options = { fileName: 'bad.yaml', baseDir: '/tmp' };
    const off = await parseSuiteTextOffThread(text, options).catch((e: unknown) => e);
    const here = await parseSuiteText(text, options).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(SuiteError);
    expect((off as SuiteError).describeAll()).toBe((here as SuiteError).describeAll());
    expect((off as SuiteError).line).toBe(4);
  });

  it('answers several requests at once, each with its own result', async () => {
    const texts = [1, 2, 3].map((i) => `name: s${i}\ncases:\n  - id: c${i}\n    category: generation\n    prompt: p${i}\n`);
    const loaded = await Promise.all(texts.map((t) => parseSuiteTextOffThread(t, { fileName: 'x.yaml', baseDir: '/tmp' })));
    expect(loaded.map((l) => l.suite.name)).toEqual(['s1', 's2', 's3']);
  });
});
