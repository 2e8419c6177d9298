/**
 * Crash-safe file writes: the one way this project replaces a file (images, reports, settings, previews).
 * The data goes to a temp file in the same folder (same file system, so the rename is atomic), is fsynced,
 * renamed over the target, and then the folder is fsynced so the rename itself survives a power cut. A reader
 * sees the old file or the new one, never half of either; a crash leaves at most a `.tmp` file beside it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** fsync a directory so a rename or a new entry in it survives a power cut. Not supported everywhere (Windows). */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: platforms that cannot fsync a directory still get the atomic rename.
  } finally {
    await handle?.close();
  }
}

/**
 * Folders writeFileUnsynced created without fsyncing their parents (mkdir on the caller's path would wait for the
 * disk): folder → the folders whose entries must still be fsynced, outermost first. Whoever next makes a file in
 * the folder durable fsyncs them too (syncFolderOf).
 */
const unsyncedFolders = new Map<string, string[]>();

/** fsync `dir`, and the parents of it that writeFileUnsynced created and nobody has fsynced yet. */
async function syncFolderOf(dir: string): Promise<void> {
  const parents = unsyncedFolders.get(dir);
  await Promise.all([syncDir(dir), ...(parents ?? []).map(syncDir)]);
  if (parents && unsyncedFolders.get(dir) === parents) unsyncedFolders.delete(dir);
}

/** The temp name beside `finalPath`: hidden, unique per process and call, ending in `.tmp`. */
function tempPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write `data` (bytes, or text as UTF-8) to `finalPath` so that the path holds either its old content (or does
 * not exist) or all of the new. Missing parent folders are created (and their parent fsynced).
 */
export async function writeFileAtomic(finalPath: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(finalPath);
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await syncDir(path.dirname(created));
  const tmp = tempPathFor(finalPath);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, finalPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncFolderOf(dir);
}

/** Folders this process has created or seen (writeFileForRecord, writeFileUnsynced), so a put does not ask the disk again. */
const knownDirs = new Set<string>();

/** Create `dir` (and fsync the parent of what was created) unless this process has seen it already. */
async function ensureDir(dir: string, again: boolean): Promise<void> {
  if (!again && knownDirs.has(dir)) return;
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await syncDir(path.dirname(created));
  knownDirs.add(dir);
}

/**
 * Temp file, `write` (which gets the open handle), rename into place. The handle is still open when `write`
 * returns so a caller can fsync it; the temp file is removed if anything fails.
 */
async function writeAndRename(
  finalPath: string,
  data: Uint8Array,
  afterRename: (handle: FileHandle) => Promise<unknown>,
  retried = false,
): Promise<void> {
  const dir = path.dirname(finalPath);
  await ensureDir(dir, retried);
  const tmp = tempPathFor(finalPath);
  let handle;
  try {
    handle = await open(tmp, 'wx');
  } catch (error) {
    // The folder was removed since we saw it (a deleted run folder recreated at the same path): create it again.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || retried) throw error;
    knownDirs.delete(dir);
    return writeAndRename(finalPath, data, afterRename, true);
  }
  try {
    await handle.writeFile(data);
    await rename(tmp, finalPath);
    await afterRename(handle);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Write a new file that nothing reads until a record written *after* this resolves points at it (content-addressed
 * images: a reader finds them only through their row in run.sqlite). It is durable when this resolves, like
 * writeFileAtomic, with one fsync's wait instead of two: the data goes to a temp file, is renamed into place, and
 * then the file and its folder are fsynced at the same time. Until both are done the caller has not written its
 * record, so a crash in between (kill -9 or power loss) leaves at most a file no record points at, which the next
 * write of the same path replaces. Not for files read by path alone (reports, settings): after a power loss such a
 * file could be found short; those use writeFileAtomic.
 */
export async function writeFileForRecord(finalPath: string, data: Uint8Array): Promise<void> {
  await writeAndRename(finalPath, data, (handle) => Promise.all([handle.sync(), syncFolderOf(path.dirname(finalPath))]));
}

/**
 * Up to this size writeFileUnsynced writes on the calling thread: a small write into the page cache takes tens of
 * microseconds, while the thread pool it would otherwise queue on is where the fsyncs of earlier images wait for the
 * disk (the runner's path, issue 10). A larger one (a 1024² PNG is 1–3 MB: ~4–8 ms of copying on a busy 2-core
 * machine) goes to the thread pool so it does not block the event loop. docs/performance.md has the measurements.
 */
const SYNC_WRITE_MAX_BYTES = 128 * 1024;

/** Create `dir` without fsyncing anything: the folders created are left to syncFolderOf. */
function makeFolderUnsynced(dir: string): void {
  const created = mkdirSync(dir, { recursive: true });
  if (created !== undefined) {
    // Every folder from the parent of the first one created down to the parent of `dir` gained an entry.
    const parents: string[] = [];
    for (let d = path.dirname(dir); ; d = path.dirname(d)) {
      parents.unshift(d);
      if (d === path.dirname(created) || d === path.dirname(d)) break;
    }
    unsyncedFolders.set(dir, [...new Set([...(unsyncedFolders.get(dir) ?? []), ...parents])]);
  }
  knownDirs.add(dir);
}

/**
 * writeFileForRecord without the fsyncs: the whole file is under its final name when this resolves, in the
 * page cache, so it survives the death of this process (kill -9) but not yet a power loss. A record may point at
 * it only once syncFileForRecord has resolved; until then whatever refers to it must be able to find it missing
 * or short after a power loss and cope (the runner's staged results: core/store/run-store.ts). Folders it creates
 * are not fsynced either; the next syncFileForRecord or writeFileForRecord in the folder fsyncs them.
 */
export async function writeFileUnsynced(finalPath: string, data: Uint8Array): Promise<void> {
  const dir = path.dirname(finalPath);
  if (!knownDirs.has(dir)) makeFolderUnsynced(dir);
  if (data.byteLength > SYNC_WRITE_MAX_BYTES) {
    await writeAndRename(finalPath, data, async () => undefined);
    return;
  }
  const tmp = tempPathFor(finalPath);
  let fd;
  try {
    fd = openSync(tmp, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The folder was removed since we saw it (a deleted run folder recreated at the same path): create it again.
    makeFolderUnsynced(dir);
    fd = openSync(tmp, 'wx');
  }
  try {
    for (let done = 0; done < data.byteLength; ) done += writeSync(fd, data, done, data.byteLength - done);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, finalPath);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Make a file written by writeFileUnsynced durable: the file and its folder are fsynced at the same time. */
export async function syncFileForRecord(finalPath: string): Promise<void> {
  const handle = await open(finalPath, 'r+');
  try {
    await Promise.all([handle.sync(), syncFolderOf(path.dirname(finalPath))]);
  } finally {
    await handle.close();
  }
}
