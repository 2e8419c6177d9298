import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { jobId, pairKey, type Comparison, type Job, type JobResult, type Verdict } from '../../shared/model.ts';
import { DB_FILE, InvalidImageError, imageIdOf, isRunFolder, listRunFolders, openRunStore } from './run-store.ts';
import { imageRelPath } from './image-file.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import { sampleRunConfig, solidPng, tempDir } from './testing.ts';
import type { RunStore } from './types.ts';

function job(side: 'A' | 'B', turn = 1, repeat = 1): Job {
  return {
    id: jobId('gen-1', side, turn, repeat),
    caseId: 'gen-1',
    side,
    turn,
    repeat,
    status: 'pending',
    attempts: 0,
    request: { prompt: 'p', seed: 42, steps: 50, size: '64x64' },
  };
}

function okResult(j: Job, imageId: string): JobResult {
  return {
    jobId: j.id,
    caseId: j.caseId,
    side: j.side,
    turn: j.turn,
    repeat: j.repeat,
    status: 'ok',
    imageId,
    width: 64,
    height: 64,
    requestedSize: '64x64',
    timings: { e2eMs: 12, stages: { denoise: 10, queue: 1 } },
    peakMemoryMb: null,
    endpoint: 'POST /v1/images/generations',
    attempts: 2,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
  };
}

describe('run store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: RunStore | undefined;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('store'));
  });
  afterEach(async () => {
    store?.close();
    store = undefined;
    await cleanup();
  });

  const create = async (sub = 'run'): Promise<RunStore> => {
    store = await openRunStore(path.join(dir, sub), { create: sampleRunConfig() });
    return store;
  };

  it('creates a run, then reopens it with the same config', async () => {
    const s = await create();
    expect(s.config.id).toBe('run-test');
    s.close();
    store = await openRunStore(path.join(dir, 'run'));
    expect(store.config).toEqual(sampleRunConfig());
  });

  it('sets WAL, full sync, foreign keys and the schema version', async () => {
    const s = await create();
    const probe = new DatabaseSync(path.join(s.dir, DB_FILE), { readOnly: true });
    try {
      expect(probe.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(probe.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    } finally {
      probe.close();
    }
  });

  it('refuses a folder that is not a run', async () => {
    await expect(openRunStore(path.join(dir, 'nothing'))).rejects.toThrow(/run\.sqlite not found: not a run folder created by `omni-review run`/);
  });

  it('refuses to create a run where one exists', async () => {
    const s = await create();
    s.close();
    store = undefined;
    await expect(openRunStore(path.join(dir, 'run'), { create: sampleRunConfig() })).rejects.toThrow(/already holds a run/);
  });

  it('refuses an invalid config at create, naming the field', async () => {
    const bad = { ...sampleRunConfig(), params: { overrides: {}, repeats: 0, retries: 0 } };
    await expect(openRunStore(path.join(dir, 'run'), { create: bad })).rejects.toThrow(/params\.repeats/);
  });

  it('refuses a store made by a newer version, without touching it', async () => {
    const s = await create();
    s.close();
    store = undefined;
    const file = path.join(dir, 'run', DB_FILE);
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(openRunStore(path.join(dir, 'run'))).rejects.toThrow(
      `${file} has schema ${SCHEMA_VERSION + 1}; this omni-review understands up to ${SCHEMA_VERSION}: upgrade omni-review`,
    );
    // The failed open released its lock: a second try gives the same schema error, not "in use".
    await expect(openRunStore(path.join(dir, 'run'))).rejects.toThrow(/has schema/);
  });

  it('reports a damaged run.sqlite clearly', async () => {
    await mkdir(path.join(dir, 'junk'));
    await writeFile(path.join(dir, 'junk', DB_FILE), 'this is not a database at all, just some text '.repeat(20));
    await expect(openRunStore(path.join(dir, 'junk'))).rejects.toThrow(/not an omni-review run database, or it is damaged/);
  });

  it('adds jobs idempotently and keeps existing ones untouched', async () => {
    const s = await create();
    s.addJobs([job('A'), job('B')]);
    s.setJobStatus(job('A').id, 'running', 1);
    s.addJobs([{ ...job('A'), status: 'pending', attempts: 0 }, job('A', 2)]);
    const jobs = s.jobs();
    expect(jobs.map((j) => j.id)).toEqual([job('A').id, job('B').id, job('A', 2).id]);
    expect(jobs[0]).toMatchObject({ status: 'running', attempts: 1 });
  });

  it('rejects a status change for an unknown job', async () => {
    const s = await create();
    expect(() => s.setJobStatus('nope', 'ok')).toThrow(/no such job/);
  });

  it('saves a result and its job status in one transaction, visible to another connection at once', async () => {
    const s = await create();
    const j = job('A');
    s.addJobs([j]);
    const image = await s.putImage(await solidPng(64, 64, [200, 10, 10]));
    s.saveResult(okResult(j, image.id));

    const other = new DatabaseSync(path.join(s.dir, DB_FILE), { readOnly: true });
    try {
      expect(other.prepare('SELECT status, attempts FROM jobs WHERE id = ?').get(j.id)).toEqual({ status: 'ok', attempts: 2 });
      const row = other.prepare('SELECT status, image_id, result FROM results WHERE job_id = ?').get(j.id) as { status: string; image_id: string; result: string };
      expect(row.status).toBe('ok');
      expect(row.image_id).toBe(image.id);
      expect(JSON.parse(row.result)).toEqual(okResult(j, image.id));
    } finally {
      other.close();
    }
    expect(s.results()).toEqual([okResult(j, image.id)]);
  });

  it('records a skipped chain turn as job status skipped', async () => {
    const s = await create();
    const j = job('A', 2);
    s.addJobs([j]);
    const { imageId: _omit, width: _w, height: _h, ...rest } = okResult(j, 'x');
    s.saveResult({
      ...rest,
      status: 'error',
      error: { kind: 'skipped', message: 'turn 1 failed: boom', retryable: false },
      attempts: 1,
    });
    expect(s.jobs()[0]?.status).toBe('skipped');
  });

  it('rolls back a result whose image was never stored, leaving the job as it was', async () => {
    const s = await create();
    const j = job('A');
    s.addJobs([j]);
    expect(() => s.saveResult(okResult(j, 'ab'.repeat(32)))).toThrow(/was not stored first/);
    expect(s.results()).toEqual([]);
    expect(s.jobs()[0]?.status).toBe('pending');
  });

  it('rejects a malformed result naming the field', async () => {
    const s = await create();
    const j = job('A');
    s.addJobs([j]);
    const bad = { ...okResult(j, 'ab'.repeat(32)), attempts: -1 };
    expect(() => s.saveResult(bad)).toThrow(/attempts/);
  });

  it('validates JSON columns on read', async () => {
    const s = await create();
    s.addJobs([job('A')]);
    const db = new DatabaseSync(path.join(s.dir, DB_FILE));
    db.exec(`PRAGMA busy_timeout = 2000`);
    db.prepare('UPDATE jobs SET request = ? WHERE id = ?').run(JSON.stringify({ prompt: 'p' }), job('A').id);
    db.close();
    expect(() => s.jobs()).toThrow(/job gen-1#t1#r1#A request does not match .*seed/);
  });

  describe('images', () => {
    it('stores content-addressed files with dimensions, idempotently', async () => {
      const s = await create();
      const bytes = await solidPng(40, 30, [1, 2, 3]);
      const id = imageIdOf(bytes);
      const first = await s.putImage(bytes);
      const second = await s.putImage(bytes);
      expect(first).toEqual({ id, mime: 'image/png', width: 40, height: 30, bytes: bytes.length, relPath: imageRelPath(id, 'png') });
      expect(second).toEqual(first);
      expect(first.relPath).toBe(`images/${id.slice(0, 2)}/${id}.png`);
      expect(new Uint8Array(await readFile(s.imagePath(id)))).toEqual(bytes);
      // One file, no temp files left behind.
      expect(await readdir(path.join(s.dir, 'images', id.slice(0, 2)))).toEqual([`${id}.png`]);
      expect(s.getImage(id)).toEqual(first);
    });

    it('detects jpeg and webp by magic bytes', async () => {
      const sharp = (await import('sharp')).default;
      const s = await create();
      const jpeg = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#808080' } }).jpeg().toBuffer();
      const webp = await sharp({ create: { width: 8, height: 16, channels: 3, background: '#808080' } }).webp().toBuffer();
      expect(await s.putImage(jpeg)).toMatchObject({ mime: 'image/jpeg', width: 16, height: 8 });
      expect((await s.putImage(webp)).relPath).toMatch(/\.webp$/);
    });

    it('rejects bytes that are not an image, and a truncated image', async () => {
      const s = await create();
      await expect(s.putImage(new TextEncoder().encode('<html>502 Bad Gateway</html>'))).rejects.toThrow(
        /not a PNG, JPEG or WebP \(first bytes: 3c 68 74 6d/,
      );
      const png = await solidPng(64, 64, [9, 9, 9]);
      const truncated = png.subarray(0, png.length - 20);
      const error = await s.putImage(truncated).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidImageError);
      expect((error as Error).message).toMatch(/look like PNG but do not decode/);
      expect(s.getImage(imageIdOf(truncated))).toBeUndefined();
      // The decode check ran beside the write: the refused image leaves no file behind either.
      const file = path.join(s.dir, imageRelPath(imageIdOf(truncated), 'png'));
      await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('skips the decode check only when told the image is its own (a heatmap), never the header check', async () => {
      const s = await create();
      const png = await solidPng(64, 64, [1, 9, 9]);
      const truncated = png.subarray(0, png.length - 20);
      expect(await s.putImage(truncated, undefined, { decodeCheck: false })).toMatchObject({ id: imageIdOf(truncated), width: 64 });
      const notImage = new TextEncoder().encode('<html>');
      await expect(s.putImage(notImage, undefined, { decodeCheck: false })).rejects.toBeInstanceOf(InvalidImageError);
    });

    it('adopts an orphan file left by a crash between file and row', async () => {
      const s = await create();
      const bytes = await solidPng(10, 10, [5, 6, 7]);
      const id = imageIdOf(bytes);
      const file = path.join(s.dir, imageRelPath(id, 'png'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
      expect(s.getImage(id)).toBeUndefined();
      expect(await s.putImage(bytes)).toMatchObject({ id, width: 10 });
      expect(await readdir(path.dirname(file))).toEqual([`${id}.png`]);
    });

    it('rewrites a file that went missing under a known row', async () => {
      const s = await create();
      const bytes = await solidPng(10, 10, [50, 60, 70]);
      const image = await s.putImage(bytes);
      const { rm } = await import('node:fs/promises');
      await rm(s.imagePath(image.id));
      await s.putImage(bytes);
      expect(new Uint8Array(await readFile(s.imagePath(image.id)))).toEqual(bytes);
    });

    it('throws for the path of an unknown image', async () => {
      const s = await create();
      expect(() => s.imagePath('ab'.repeat(32))).toThrow(/is not in the run/);
    });
  });

  describe('staged results (the runner: recorded before the fsync and the decode check)', () => {
    it('keeps a staged result out of results and jobs until it is confirmed, across a reopen (kill -9)', async () => {
      const s = await create();
      const j = job('A');
      s.addJobs([j]);
      const png = await solidPng(64, 64, [40, 50, 60]);
      const staged = await s.stageImage(png, { width: 64, height: 64 });
      expect(staged).toMatchObject({ id: imageIdOf(png), width: 64, height: 64, bytes: png.length, stored: false });
      // The file is under its final name already; the image has no row yet.
      expect(new Uint8Array(await readFile(path.join(s.dir, staged.relPath)))).toEqual(png);
      expect(s.getImage(staged.id)).toBeUndefined();
      s.saveStagedResult(okResult(j, staged.id), staged);
      expect(s.results()).toEqual([]);
      expect(s.jobs()[0]?.status).toBe('pending');
      expect(s.stagedResults()).toEqual([okResult(j, staged.id)]);

      // What kill -9 leaves: the row committed, the file written. A new process confirms it from the file.
      s.close();
      const again = await openRunStore(path.join(dir, 'run'));
      store = again;
      expect(again.stagedResults()).toEqual([okResult(j, staged.id)]);
      await expect(again.confirmStagedResult(j.id)).resolves.toEqual(okResult(j, staged.id));
      expect(again.results()).toEqual([okResult(j, staged.id)]);
      expect(again.jobs()[0]).toMatchObject({ status: 'ok', attempts: 2 });
      expect(again.getImage(staged.id)).toMatchObject({ width: 64, height: 64, bytes: png.length, relPath: staged.relPath });
      expect(again.stagedResults()).toEqual([]);
      // Stored now: staging the same bytes again needs no confirmation.
      expect((await again.stageImage(png)).stored).toBe(true);
    });

    it('drops a staged result whose file a power loss took (missing or not its bytes): the job stays pending', async () => {
      const s = await create();
      const a = job('A');
      const b = job('B');
      s.addJobs([a, b]);
      const pngA = await solidPng(64, 64, [1, 2, 3]);
      const pngB = await solidPng(64, 64, [3, 2, 1]);
      const stagedA = await s.stageImage(pngA);
      const stagedB = await s.stageImage(pngB);
      s.saveStagedResult(okResult(a, stagedA.id), stagedA);
      s.saveStagedResult(okResult(b, stagedB.id), stagedB);
      s.close();
      await rm(path.join(dir, 'run', stagedA.relPath));
      await writeFile(path.join(dir, 'run', stagedB.relPath), new Uint8Array(pngB.length)); // right size, zeros
      const again = await openRunStore(path.join(dir, 'run'));
      store = again;
      await expect(again.confirmStagedResult(a.id)).resolves.toBeNull();
      await expect(again.confirmStagedResult(b.id)).resolves.toBeNull();
      expect(again.stagedResults()).toEqual([]);
      expect(again.results()).toEqual([]);
      // Their requests were sent: the attempts count, and a resume sends them again.
      expect(again.jobs().map((x) => [x.status, x.attempts])).toEqual([['pending', 2], ['pending', 2]]);
      expect(again.getImage(stagedA.id)).toBeUndefined();
    });

    it('refuses pixels that do not decode at confirmation; the error result then replaces the staged one', async () => {
      const s = await create();
      const j = job('A');
      s.addJobs([j]);
      const png = await solidPng(64, 64, [7, 7, 7]);
      const truncated = png.subarray(0, png.length - 20);
      const staged = await s.stageImage(truncated, { width: 64, height: 64 }); // the header reads
      s.saveStagedResult(okResult(j, staged.id), staged);
      const error = await s.confirmStagedResult(j.id, truncated).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidImageError);
      expect(s.getImage(staged.id)).toBeUndefined();
      await expect(readFile(path.join(s.dir, staged.relPath))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(s.stagedResults()).toHaveLength(1);
      const { imageId: _i, width: _w, height: _h, ...rest } = okResult(j, staged.id);
      s.saveResult({ ...rest, status: 'error', error: { kind: 'invalid-image', message: 'no', retryable: false } });
      expect(s.stagedResults()).toEqual([]);
      expect(s.jobs()[0]?.status).toBe('error');
    });

    it('refuses a staged row that points outside the images folder (an altered run.sqlite)', async () => {
      const s = await create();
      const j = job('A');
      s.addJobs([j]);
      const png = await solidPng(64, 64, [5, 6, 7]);
      const staged = await s.stageImage(png);
      s.saveStagedResult(okResult(j, staged.id), staged);
      s.close();
      const db = new DatabaseSync(path.join(dir, 'run', DB_FILE));
      db.prepare('UPDATE staged_results SET rel_path = ?').run(`../../etc/${staged.id}.png`);
      db.close();
      await expect(openRunStore(path.join(dir, 'run'))).rejects.toThrow(/not where omni-review stores images/);
    });
  });

  it('saves comparisons (heatmaps must be stored first), server info and verdicts', async () => {
    const s = await create();
    const heat = await s.putImage(await solidPng(8, 8, [255, 0, 0]));
    const diff = { pixels: 3, ratio: 3 / 64, heatmapId: heat.id, bounds: { x: 0, y: 0, width: 2, height: 2 }, width: 8, height: 8, sizeMismatch: null };
    const comparison: Comparison = {
      pairKey: pairKey('gen-1', 1, 1),
      ab: { ...diff, ssim: 0.98, psnr: 40, identical: false },
      vsSource: { A: null, B: null },
      threshold: 0.1,
      metricsSize: 256,
    };
    s.saveComparison(comparison);
    s.saveComparison({ ...comparison, threshold: 0.2 }); // replaces
    expect(s.comparisons()).toEqual([{ ...comparison, threshold: 0.2 }]);
    expect(() => s.saveComparison({ ...comparison, pairKey: 'x', ab: { ...comparison.ab, heatmapId: 'cd'.repeat(32) } })).toThrow(
      /heatmap image .* was not stored first/,
    );

    expect(s.serverInfo('A')).toBeNull();
    const info = { model: 'Qwen/Qwen-Image-Edit', generation: 'current' as const, editPath: '/v1/images/edits', generatePath: '/v1/images/generations', notes: [] };
    s.saveServerInfo('A', info);
    expect(s.serverInfo('A')).toEqual(info);

    const verdict: Verdict = {
      id: 'v1',
      pairKey: comparison.pairKey,
      reviewer: 'ana',
      verdict: 'A_better',
      tags: ['text.missing'],
      note: '',
      blind: true,
      swapped: false,
      durationMs: 1200,
      createdAt: '2025-01-01T00:00:00.000Z',
    };
    s.addVerdict(verdict);
    s.addVerdict({ ...verdict, verdict: 'tie' });
    expect(s.verdicts()).toEqual([{ ...verdict, verdict: 'tie' }]);
    expect(s.deleteVerdict('v1')).toBe(true);
    expect(s.deleteVerdict('v1')).toBe(false);
    expect(s.verdicts()).toEqual([]);
  });

  it('saves OCR reads by image, expected text and engine, and keeps per-side verdict tags', async () => {
    const s = await create();
    const img = await s.putImage(await solidPng(8, 8, [0, 0, 255]));
    const read = { imageId: img.id, expected: 'HELLO', engine: 'test-engine 1', lines: [{ text: 'HELO', confidence: 0.9, box: { x: 1, y: 2, width: 5, height: 3 } }], width: 8, height: 8, ms: 12 };
    s.saveOcrRead(read);
    s.saveOcrRead({ ...read, lines: [] }); // same key: replaces
    s.saveOcrRead({ ...read, engine: 'test-engine 2' }); // another engine version: a second read
    expect(s.ocrReads()).toEqual([{ ...read, lines: [] }, { ...read, engine: 'test-engine 2' }]);
    expect(() => s.saveOcrRead({ ...read, imageId: 'ab'.repeat(32) })).toThrow(/not in this run/);
    expect(() => s.saveOcrRead({ ...read, width: 0 })).toThrow(/width/);

    const verdict: Verdict = {
      id: 'v2', pairKey: pairKey('gen-1', 1, 1), reviewer: 'ana', verdict: 'skip', tags: [], note: '', blind: false, swapped: false, durationMs: 1, createdAt: '2025-01-01T00:00:00.000Z',
      sideTags: { A: ['text.misspelled'], B: [] }, dismissed: { A: [], B: ['text.missing'] },
    };
    s.addVerdict(verdict);
    expect(s.verdicts()).toEqual([verdict]);
  });

  it('closes idempotently and refuses use after close', async () => {
    const s = await create();
    s.close();
    s.close();
    expect(() => s.jobs()).toThrow(/is closed/);
    store = undefined;
  });

  describe('lock', () => {
    it('refuses a second opener while the first holds the run, and allows it after close', async () => {
      const s = await create();
      await expect(openRunStore(s.dir)).rejects.toThrow(/run\.lock: the run folder is in use by this process/);
      s.close();
      store = await openRunStore(s.dir);
      expect(store.config.id).toBe('run-test');
    });

    it('removes the lock on close', async () => {
      const s = await create();
      expect(await readdir(s.dir)).toContain('run.lock');
      s.close();
      store = undefined;
      expect(await readdir(path.join(dir, 'run'))).not.toContain('run.lock');
    });
  });

  describe('run folders', () => {
    it('lists the sub-folders that are runs', async () => {
      const a = await create('b-run');
      a.close();
      const b = await create('a-run');
      b.close();
      store = undefined;
      await mkdir(path.join(dir, 'not-a-run'));
      await writeFile(path.join(dir, 'not-a-run', DB_FILE), 'text');
      await writeFile(path.join(dir, 'file.txt'), 'x');
      expect(await listRunFolders(dir)).toEqual([path.join(dir, 'a-run'), path.join(dir, 'b-run')]);
      expect(await isRunFolder(path.join(dir, 'a-run'))).toBe(true);
      expect(await isRunFolder(path.join(dir, 'not-a-run'))).toBe(false);
      expect(await listRunFolders(path.join(dir, 'missing'))).toEqual([]);
    });
  });
});

describe('viewer opens', () => {
  it('open without the lock next to a locked runner, and see each other’s writes', async () => {
    const tmp = await tempDir('viewer');
    const dir = path.join(tmp.dir, 'run');
    const runner = await openRunStore(dir, { create: sampleRunConfig() });
    try {
      await expect(openRunStore(dir)).rejects.toThrow(/lock|in use|held/i);
      const viewer = await openRunStore(dir, { lock: false });
      try {
        viewer.addVerdict({
          id: 'v1', pairKey: 'k', reviewer: 'r', verdict: 'tie', tags: [], note: '', blind: false, swapped: false,
          durationMs: 1, createdAt: new Date().toISOString(),
        });
        expect(runner.verdicts().map((v) => v.id)).toEqual(['v1']);
      } finally {
        viewer.close();
      }
      // Closing the viewer must not release the runner's lock.
      await expect(openRunStore(dir)).rejects.toThrow(/lock|in use|held/i);
    } finally {
      runner.close();
      await tmp.cleanup();
    }
  });
});
