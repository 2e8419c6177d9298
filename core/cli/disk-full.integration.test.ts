/**
 * Issue 9, finding 5: a full disk mid-run. Image writes are made to fail with ENOSPC (injected into the
 * durable writes of core/fs/atomic-write.ts, for paths under the run's images/ folder, the way a full file system
 * answers) once the inputs are stored: the run stops with one line and exit 4, everything saved so far is kept, a partial report is written, and --resume completes it
 * once there is space again.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Report } from '../../shared/report.ts';
import { runCliInProcess } from './testing.ts';

/** Image writes into folders under `prefix` succeed `room` more times, then fail with ENOSPC. */
const disk = vi.hoisted(() => ({ room: Infinity, prefix: '', failures: 0 }));

vi.mock(import('../fs/atomic-write.ts'), async (importOriginal) => {
  const original = await importOriginal();
  const full = (finalPath: string) => {
    if (finalPath.startsWith(disk.prefix) && disk.room-- <= 0) {
      disk.failures++;
      throw Object.assign(new Error(`ENOSPC: no space left on device, open '${finalPath}.tmp'`), { code: 'ENOSPC', errno: -28, syscall: 'open' });
    }
  };
  return {
    ...original,
    writeFileAtomic: async (finalPath: string, bytes: Uint8Array | string) => {
      full(finalPath);
      return original.writeFileAtomic(finalPath, bytes);
    },
    // Images are written with writeFileForRecord (their row comes after): the same full disk applies.
    writeFileForRecord: async (finalPath: string, bytes: Uint8Array) => {
      full(finalPath);
      return original.writeFileForRecord(finalPath, bytes);
    },
    // A backend's outputs are written unsynced first (the runner's staged results): same disk.
    writeFileUnsynced: async (finalPath: string, bytes: Uint8Array) => {
      full(finalPath);
      return original.writeFileUnsynced(finalPath, bytes);
    },
  };
});

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TINY = join(ROOT, 'fixtures', 'suites', 'testdata', 'tiny.yaml');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-disk-full-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});


const cli = runCliInProcess;

it('a full disk while the run folder is created: one line, exit 4, nothing sent', async () => {
  const out = join(work, 'create');
  disk.prefix = join(out, 'images');
  disk.room = 0;
  const r = await cli('run', '--suite', TINY, '--out', out, '--sim-time-scale', '0.002', '--quiet');
  expect(r.code).toBe(4);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: cannot create the run in .*: the disk is full\. Nothing was sent\. Free some space/);
});

it('a full disk mid-run: one line, exit 4, a partial report, nothing lost; --resume completes the run', async () => {
  const out = join(work, 'run');
  disk.prefix = join(out, 'images');
  disk.failures = 0;
  // tiny.yaml has one input image, stored when the folder is created; the disk "fills up" after it.
  disk.room = 1;
  const r = await cli('run', '--suite', TINY, '--out', out, '--sim-time-scale', '0.002', '--quiet');
  expect(disk.failures).toBeGreaterThan(0);
  expect(r.code).toBe(4);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).toMatch(/^error: cannot save to .*: the disk is full\. Every result saved before this is safe \(a partial report is written\)\. Free some space .*continue with: npx omni-review run --resume /);
  expect(r.stderr).not.toMatch(/delete/i);
  const partial = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  expect(partial.pairs.length).toBeGreaterThan(0);
  expect(existsSync(join(out, 'report.html'))).toBe(true);

  disk.room = Infinity;
  const resumed = await cli('run', '--resume', out, '--sim-time-scale', '0.002', '--quiet');
  expect(resumed.stderr).toBe('');
  expect(resumed.code).toBe(0);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
  expect(report.pairs.every((p) => p.A.status === 'ok' && p.B.status === 'ok')).toBe(true);
});
