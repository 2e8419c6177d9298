import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../store/testing.ts';
import { syncFileForRecord, writeFileAtomic, writeFileForRecord, writeFileUnsynced } from './atomic-write.ts';

const MODULE = fileURLToPath(new URL('./atomic-write.ts', import.meta.url));

/**
 * A child process that writes `file` with writeFileAtomic and is killed (SIGKILL: no cleanup of any kind) at the
 * moment it would rename the temp file over the target: the crash this module exists for.
 */
const CRASH_BEFORE_RENAME = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
fs.rename = () => { process.kill(process.pid, 'SIGKILL'); return new Promise(() => {}); };
syncBuiltinESMExports();
const { writeFileAtomic } = await import(process.argv[1]);
await writeFileAtomic(process.argv[2], 'new content, never renamed into place');
`;

function runChild(args: string[]): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', CRASH_BEFORE_RENAME, ...args], () => {});
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('writeFileAtomic', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('atomic'));
  });
  afterEach(async () => cleanup());

  it('writes the whole file under its final name, creating folders, leaving no temp file', async () => {
    const file = path.join(dir, 'images', 'ab', 'x.png');
    await writeFileAtomic(file, Uint8Array.from([1, 2, 3]));
    await writeFileAtomic(file, Uint8Array.from([1, 2, 3])); // same content again: replaces atomically
    expect(new Uint8Array(await readFile(file))).toEqual(Uint8Array.from([1, 2, 3]));
    expect(await readdir(path.dirname(file))).toEqual(['x.png']);
  });

  it('writes text as UTF-8 and replaces what was there', async () => {
    const file = path.join(dir, 'settings.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, '{"reviewer":"王"}\n');
    expect(await readFile(file, 'utf8')).toBe('{"reviewer":"王"}\n');
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('leaves no temp file behind when the rename fails', async () => {
    const file = path.join(dir, 'taken');
    await mkdir(path.join(file, 'inside'), { recursive: true }); // a non-empty folder cannot be renamed over
    await expect(writeFileAtomic(file, Uint8Array.from([9]))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('a crash just before the rename leaves the old file intact and only a temp file beside it', async () => {
    const file = path.join(dir, 'report.json');
    await writeFile(file, 'old content');
    const exit = await runChild([MODULE, file]);
    expect(exit.signal).toBe('SIGKILL');
    expect(await readFile(file, 'utf8')).toBe('old content');
    const entries = (await readdir(dir)).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/^\.report\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(entries[1]).toBe('report.json');
    // The temp file holds the complete new content (it was fsynced before the rename would have happened).
    expect(await readFile(path.join(dir, entries[0]!), 'utf8')).toBe('new content, never renamed into place');
  });
});

describe('writeFileForRecord', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('record-write'));
  });
  afterEach(async () => cleanup());

  it('writes the whole file under its final name, replacing a short orphan a crash left there', async () => {
    const file = path.join(dir, 'images', 'ab', 'x.png');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Uint8Array.from([1])); // what a crash between rename and fsync could leave
    await writeFileForRecord(file, Uint8Array.from([1, 2, 3]));
    expect(new Uint8Array(await readFile(file))).toEqual(Uint8Array.from([1, 2, 3]));
    expect(await readdir(path.dirname(file))).toEqual(['x.png']);
  });

  it('creates the folder again when it was removed after an earlier write', async () => {
    const file = path.join(dir, 'run', 'images', 'cd', 'y.png');
    await writeFileForRecord(file, Uint8Array.from([4]));
    await rm(path.join(dir, 'run'), { recursive: true });
    await writeFileForRecord(file, Uint8Array.from([5, 6]));
    expect(new Uint8Array(await readFile(file))).toEqual(Uint8Array.from([5, 6]));
  });

  it('leaves no temp file behind when the rename fails', async () => {
    const file = path.join(dir, 'taken');
    await mkdir(path.join(file, 'inside'), { recursive: true });
    await expect(writeFileForRecord(file, Uint8Array.from([9]))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });
});

describe('writeFileUnsynced and syncFileForRecord', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('unsynced-write'));
  });
  afterEach(async () => cleanup());

  it('puts the whole file under its final name (replacing an orphan), leaving no temp file; the sync keeps it', async () => {
    const file = path.join(dir, 'images', 'ef', 'z.png');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Uint8Array.from([7]));
    await writeFileUnsynced(file, Uint8Array.from([1, 2, 3, 4]));
    expect(new Uint8Array(await readFile(file))).toEqual(Uint8Array.from([1, 2, 3, 4]));
    await syncFileForRecord(file);
    expect(await readdir(path.dirname(file))).toEqual(['z.png']);
    // A large file takes the thread pool's path: the same result.
    const large = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    await writeFileUnsynced(file, large);
    expect(new Uint8Array(await readFile(file))).toEqual(large);
    expect(await readdir(path.dirname(file))).toEqual(['z.png']);
  });

  it('creates the folder again when it was removed after an earlier write', async () => {
    const file = path.join(dir, 'run', 'images', 'cd', 'y.png');
    await writeFileUnsynced(file, Uint8Array.from([4]));
    await rm(path.join(dir, 'run'), { recursive: true });
    await writeFileUnsynced(file, Uint8Array.from([5, 6]));
    expect(new Uint8Array(await readFile(file))).toEqual(Uint8Array.from([5, 6]));
  });

  it('leaves no temp file behind when the rename fails, and a missing file cannot be synced', async () => {
    const file = path.join(dir, 'taken');
    await mkdir(path.join(file, 'inside'), { recursive: true });
    await expect(writeFileUnsynced(file, Uint8Array.from([9]))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
    await expect(syncFileForRecord(path.join(dir, 'gone.png'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
