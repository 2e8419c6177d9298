/**
 * Reading benchmark files named on the command line for `bench import` / `bench compare`. The parsing is pure
 * (shared/bench-parse.ts); this adds the file system: existence, a size cap before reading (a --save-detailed JSON
 * can be large, a wrong path can be a disk image), and UTF-8 decoding.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchInputError, type BenchResult } from '../../shared/bench-result.ts';
import { parseBenchText } from '../../shared/bench-parse.ts';

/** Larger than any --save-result file with per-request detail for tens of thousands of requests. */
export const MAX_BENCH_FILE_BYTES = 256 * 1024 * 1024;

/** A folder the caller knows how to read (a sweep's output); returns null to say "not mine". */
export type FolderReader = (path: string) => Promise<BenchResult[] | null>;

export async function readBenchFile(path: string, folderReader?: FolderReader): Promise<BenchResult[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new BenchInputError(path, null, 'no such file', 'check the path');
  }
  if (info.isDirectory()) {
    const fromFolder = folderReader ? await folderReader(path) : null;
    if (fromFolder) return fromFolder;
    // A sweep's output folder (omni-review sweep --out DIR): its sweep.json holds every figure.
    const sweepJson = join(path, 'sweep.json');
    if (await stat(sweepJson).then((s) => s.isFile(), () => false)) return readBenchFile(sweepJson);
    throw new BenchInputError(path, null, 'is a folder with no sweep.json', 'name the result files inside it, or a folder omni-review sweep --out wrote');
  }
  if (!info.isFile()) throw new BenchInputError(path, null, 'is not a regular file', 'name a text or JSON file');
  if (info.size > MAX_BENCH_FILE_BYTES) {
    throw new BenchInputError(path, null, `is ${Math.round(info.size / 1048576)} MiB, more than the ${MAX_BENCH_FILE_BYTES / 1048576} MiB a result file can be`, 'save it without --save-detailed, or cut the log to its result blocks');
  }
  const bytes = await readFile(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BenchInputError(path, null, 'is not UTF-8 text', 'pass the text vllm bench serve printed or the JSON it saved');
  }
  return parseBenchText(text, path);
}

/** Every file in order; a file with several blocks gives several results. */
export async function readBenchFiles(paths: string[], folderReader?: FolderReader): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const p of paths) out.push(...(await readBenchFile(p, folderReader)));
  return out;
}
