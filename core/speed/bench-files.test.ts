import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchInputError } from '../../shared/bench-result.ts';
import { sweepFixture } from '../../shared/sweep-fixture.ts';
import { readBenchFile, readBenchFiles } from './bench-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BenchInputError);
    return (err as Error).message;
  }
  throw new Error('expected a BenchInputError');
}

describe('reading benchmark files', () => {
  it('refuses bytes that are not UTF-8 before parsing them', async () => {
    const file = join(dir, 'latin1.txt');
    writeFileSync(file, Buffer.from([0x53, 0x75, 0x63, 0x63, 0xe8, 0x73, 0x0a]));
    expect(await failure(readBenchFile(file))).toBe(`${file}: is not UTF-8 text; pass the text vllm bench serve printed or the JSON it saved`);
  });

  it('reads a sweep folder through its sweep.json, and says what a folder without one lacks', async () => {
    const sweep = join(dir, 'sweep');
    mkdirSync(sweep);
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify(sweepFixture({ name: 'x' })));
    const rs = await readBenchFile(sweep);
    expect(rs).toHaveLength(6);
    expect(rs[0]?.source).toBe(join(sweep, 'sweep.json'));
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(await failure(readBenchFile(empty))).toMatch(/is a folder with no sweep\.json; name the result files inside it/);
  });

  it('keeps file order across files', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify({ completed: 1, label: 'first' }));
    writeFileSync(b, `${JSON.stringify({ completed: 2, label: 'second' })}\n${JSON.stringify({ completed: 3, label: 'third' })}\n`);
    expect((await readBenchFiles([b, a])).map((r) => r.name)).toEqual(['second', 'third', 'first']);
  });
});
