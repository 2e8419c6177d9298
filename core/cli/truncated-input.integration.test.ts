/**
 * Finding 4 of issue 9: a truncated input image passed the suite check (only its header was read); the run then
 * crashed with a stack trace while importing it, and left a folder that every --resume refused with "image … is
 * referenced by the run but not stored". Now the suite check decodes inputs (exit 2 naming file:line, no folder
 * made) and a folder already damaged that way is refused by --resume in one line.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../store/run-store.ts';
import { sampleRunConfig, sampleSuite } from '../store/testing.ts';
import { runCliInProcess } from './testing.ts';

const IMAGES = fileURLToPath(new URL('../../fixtures/images/', import.meta.url));

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-trunc-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});


const cli = runCliInProcess;

describe('a truncated input image', () => {
  it('fails the suite check with file:line and exit 2, before any run folder exists', async () => {
    const whole = await readFile(join(IMAGES, 'coffee.png'));
    await writeFile(join(work, 'half.png'), whole.subarray(0, Math.floor(whole.length / 2)));
    const suite = join(work, 'suite.yaml');
    await writeFile(
      suite,
      ['name: trunc', 'defaults: { seed: 1, steps: 4, size: 256x256 }', 'cases:', '  - id: c1', '    category: edit', '    input: half.png', '    prompt: Add a hat.', ''].join('\n'),
    );
    const out = join(work, 'run');
    const r = await cli('run', '--suite', suite, '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:6(:\d+)?\b.*half\.png does not decode.*truncated or corrupt/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('in a folder left by an older version: --resume says so in one line (exit 2), every time', async () => {
    const dir = join(work, 'damaged');
    const suite = sampleSuite();
    const missingId = 'ab'.repeat(32);
    const config = sampleRunConfig({ suite: { ...suite, cases: suite.cases.map((c) => ({ ...c, category: 'edit' as const, inputs: [missingId] })) } });
    (await openRunStore(dir, { create: config })).close();
    for (let i = 0; i < 2; i++) {
      const r = await cli('run', '--resume', dir, '--quiet');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: --resume .*damaged: the run folder is incomplete: input image abababababab… of case gen-1 was never stored.*new --out folder\n$/);
    }
  });
});
