/**
 * Issue 9, findings 3 and 5 at the CLI: a run folder's contents are untrusted, and every store failure is one
 * line with the documented exit code, found before any server is contacted, and never written over.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../store/run-lock.ts';
import { runCliInProcess } from './testing.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TINY = join(ROOT, 'fixtures', 'suites', 'testdata', 'tiny.yaml');

let work: string;
let server: Server;
let serverUrl: string;
/** Every request the stand-in "real server" received (it never becomes healthy). */
let hits: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omni-store-fail-'));
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"loading"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  serverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  hits = [];
});


const cli = runCliInProcess;

/** One line, no stack trace. */
function expectOneLine(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/delete the folder|remove the folder|rm -rf/i);
}

/** A run folder whose two sides point at the stand-in server: created (inputs stored), no job done. */
async function folderPointingAtServer(name: string): Promise<string> {
  const out = join(work, name);
  const r = await cli('run', '--suite', TINY, '--out', out, '--a', serverUrl, '--b', serverUrl, '--health-timeout', '1', '--quiet');
  expect(r.code).toBe(3);
  await quiet();
  return out;
}

/**
 * The stand-in server runs in this process, so a health probe the CLI gave up on (its timeout cut to the last
 * millisecond of the deadline) may reach the server's handler only after the CLI returned. Wait (bounded) until
 * every connection is closed, then start counting afresh.
 */
async function quiet(): Promise<void> {
  const connections = () => new Promise<number>((done) => server.getConnections((_e, n) => done(n)));
  for (let i = 0; i < 200 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(await connections()).toBe(0);
  hits = [];
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function sql(dir: string, statement: string): void {
  const db = new DatabaseSync(join(dir, 'run.sqlite'));
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

describe('a run folder is untrusted (finding 3)', () => {
  it('resuming prints where it will send, from the folder\'s own record', async () => {
    const out = await folderPointingAtServer('announce');
    const r = await cli('run', '--resume', out, '--health-timeout', '1');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`resuming ${out} (run `);
    expect(r.stdout).toContain(`A → ${serverUrl} (vllm-omni), B → ${serverUrl} (diffusers)`);
    expect(r.stderr).toContain(`continue with: npx omni-review run --resume ${out}`);
  });

  it('a rel_path in run.sqlite that leads out of the folder is refused before anything is read or sent', async () => {
    const out = await folderPointingAtServer('escape');
    const secret = join(work, 'secret.png');
    await writeFile(secret, readFileSync(join(ROOT, 'fixtures', 'images', 'coffee.png')));
    sql(out, `UPDATE images SET rel_path = '../secret.png'`);
    const r = await cli('run', '--resume', out);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/has the path "\.\.\/secret\.png", which is not where omni-review stores images: refusing to read it/);
    expect(hits).toEqual([]);
  });

  it('a symlinked images sub-folder that leads out of the folder is refused before anything is sent', async () => {
    const out = await folderPointingAtServer('symlinked');
    const [sub] = await readdir(join(out, 'images'));
    const elsewhere = join(work, 'elsewhere');
    // The same file names, outside the run: what an attacker would make the resume upload.
    await rename(join(out, 'images', sub!), elsewhere);
    await symlink(elsewhere, join(out, 'images', sub!));
    const r = await cli('run', '--resume', out);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/leads outside the run folder \(a symbolic link\)/);
    expect(hits).toEqual([]);
  });
});

describe('store failures are one line with the documented exit code (finding 5)', () => {
  it('two CLIs on one folder: the second says which process holds it and what to do (exit 2)', async () => {
    const out = await folderPointingAtServer('locked');
    // A live process that is not us holds the lock (what a first `omni-review run` on that folder does).
    const holder: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(out, 'run.lock'), `${holder.pid}\n`);
      const resumed = await cli('run', '--resume', out);
      expect(resumed.code).toBe(2);
      expectOneLine(resumed.stderr);
      expect(resumed.stderr).toContain(`the run folder is in use by process ${holder.pid}`);
      expect(resumed.stderr).toContain(`npx omni-review run --resume ${out}`);
      const again = await cli('run', '--suite', TINY, '--out', out);
      expect(again.code).toBe(2);
      expectOneLine(again.stderr);
      expect(hits).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a bad row is found before connecting to either server, and the file is not written (exit 2)', async () => {
    const out = await folderPointingAtServer('bad-row');
    sql(out, `UPDATE jobs SET request = '{"broken' WHERE rowid = (SELECT min(rowid) FROM jobs)`);
    const before = sha(join(out, 'run.sqlite'));
    const r = await cli('run', '--resume', out);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/run\.sqlite has a row it cannot read .*Nothing was sent/);
    expect(r.stderr).toMatch(/start a new run with --out NEW_FOLDER/);
    expect(hits).toEqual([]);
    expect(sha(join(out, 'run.sqlite'))).toBe(before);
  });

  it('a bad page is found before connecting to either server, and the file is not written (exit 2)', async () => {
    const out = await folderPointingAtServer('bad-page');
    const file = join(out, 'run.sqlite');
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length).toBeGreaterThan(3 * pageSize);
    // Scribble over the second page (a table's b-tree page).
    bytes.fill(0xa5, pageSize, 2 * pageSize);
    writeFileSync(file, bytes);
    const before = sha(file);
    const r = await cli('run', '--resume', out);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/run\.sqlite (is damaged|cannot be opened)/);
    expect(hits).toEqual([]);
    expect(sha(file)).toBe(before);
  });

  it('a 0-byte run.sqlite is refused and left at 0 bytes, never given a fresh schema (exit 2)', async () => {
    const out = join(work, 'empty-db');
    await mkdir(out);
    await writeFile(join(out, 'run.sqlite'), '');
    const r = await cli('run', '--resume', out);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr);
    expect(r.stderr).toMatch(/run\.sqlite is empty \(0 bytes\)/);
    expect(readFileSync(join(out, 'run.sqlite')).length).toBe(0);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });

  it('orphan .tmp files left by a killed process are removed on resume; others are kept', async () => {
    const out = await folderPointingAtServer('orphans');
    const [sub] = await readdir(join(out, 'images'));
    // A pid that is not running (checked: the test would be meaningless otherwise).
    const deadPid = 4_194_301;
    expect(isProcessAlive(deadPid)).toBe(false);
    const orphan = join(out, 'images', sub!, `.${'ab'.repeat(32)}.png.${deadPid}.0a1b2c3d.tmp`);
    const orphanReport = join(out, `report.json.${deadPid}.deadbeef.tmp`);
    const live = join(out, 'images', sub!, `.${'cd'.repeat(32)}.png.${process.pid}.0a1b2c3d.tmp`);
    const notOurs = join(out, 'images', sub!, 'notes.tmp');
    await mkdir(join(out, 'previews', '512'), { recursive: true });
    const orphanPreview = join(out, 'previews', '512', `${'ef'.repeat(32)}.png.${deadPid}.k3j5h2x9q1.tmp`);
    const orphanLock = join(out, `.run.lock.${deadPid}-0123456789ab.tmp`);
    for (const f of [orphan, orphanReport, live, notOurs, orphanPreview, orphanLock]) await writeFile(f, 'x');
    const r = await cli('run', '--resume', out, '--health-timeout', '1');
    expect(r.code).toBe(3);
    expect([orphan, orphanReport, live, notOurs, orphanPreview, orphanLock].map((f) => existsSync(f))).toEqual([false, false, true, true, false, false]);
  });
});
