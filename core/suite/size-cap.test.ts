/**
 * Issue 9, finding 7: no size cap on suites (a 50 MB YAML took 78 s and 3 GB). The size is now checked before the
 * file is read or parsed, and a suite over the cap is one SuiteError line (exit 2 in the CLI).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../store/testing.ts';
import { loadSuiteFile, MAX_SUITE_BYTES, parseSuiteText, SuiteError } from './load.ts';

function bigSuite(bytes: number): string {
  const head = 'name: big\ncases:\n  - id: c1\n    category: generation\n    prompt: "x"\n';
  return head + '# padding\n'.repeat(Math.ceil((bytes - head.length) / 10));
}

describe('the suite size cap', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('suite-cap'));
  });
  afterEach(async () => cleanup());

  it('is 1 MB', () => {
    expect(MAX_SUITE_BYTES).toBe(1024 * 1024);
  });

  it('refuses a larger file before reading it, in one line', async () => {
    const file = path.join(dir, 'big.yaml');
    await writeFile(file, bigSuite(MAX_SUITE_BYTES + 1));
    const error = await loadSuiteFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SuiteError);
    expect((error as SuiteError).describeAll()).toMatch(/^.*big\.yaml: the suite file is 1\.0 MB, larger than the 1 MB limit; it was not read\. Split it/);
    expect((error as SuiteError).describeAll().split('\n')).toHaveLength(1);
  });

  it('refuses larger text handed over directly (the UI\'s check) and takes a file just under the cap', async () => {
    await expect(parseSuiteText(bigSuite(MAX_SUITE_BYTES + 1), { fileName: 'pasted.yaml', baseDir: dir })).rejects.toThrow(/larger than the 1 MB limit/);
    const file = path.join(dir, 'fits.yaml');
    await writeFile(file, bigSuite(MAX_SUITE_BYTES - 100));
    await expect(loadSuiteFile(file)).resolves.toMatchObject({ suite: { name: 'big' } });
  });
});
