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
