/**
 * Crash-safe file writes: the one way this project replaces a file (images, reports, settings, previews).
 * The data goes to a temp file in the same folder (same file system, so the rename is atomic), is fsynced,
 * renamed over the target, and then the folder is fsynced so the rename itself survives a power cut. A reader
 * sees the old file or the new one, never half of either; a crash leaves at most a `.tmp` file beside it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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
  await syncDir(dir);
}

/** Folders this process has created or seen (writeFileForRecord), so a put does not ask the disk again. */
const knownDirs = new Set<string>();

/**
 * Write a new file that nothing reads until a record written *after* this resolves points at it (content-addressed
 * images: a reader finds them only through their row in run.sqlite). It is durable when this resolves, like
 * writeFileAtomic, with one fsync's wait instead of two: the data goes to a temp file, is renamed into place, and
 * then the file and its folder are fsynced at the same time. Until both are done the caller has not written its
 * record, so a crash in between (kill -9 or power loss) leaves at most a file no record points at, which the next
 * write of the same path replaces. Not for files read by path alone (reports, settings): after a power loss such a
 * file could be found short; those use writeFileAtomic.
 */
export async function writeFileForRecord(finalPath: string, data: Uint8Array, retried = false): Promise<void> {
  const dir = path.dirname(finalPath);
  if (retried || !knownDirs.has(dir)) {
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined) await syncDir(path.dirname(created));
    knownDirs.add(dir);
  }
  const tmp = tempPathFor(finalPath);
  let handle;
  try {
    handle = await open(tmp, 'wx');
  } catch (error) {
    // The folder was removed since we saw it (a deleted run folder recreated at the same path): create it again.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || retried) throw error;
    knownDirs.delete(dir);
    return writeFileForRecord(finalPath, data, true);
  }
  try {
    await handle.writeFile(data);
    await rename(tmp, finalPath);
    await Promise.all([handle.sync(), syncDir(dir)]);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
}
