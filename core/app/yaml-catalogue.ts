/**
 * What the suite catalogue (suite-catalogue.ts) and the sweep registry's spec list (sweep-registry.ts) share: the
 * YAML files of some folders that load, each named by a display path, and a file asked for by one of those paths
 * (never by a path the renderer made up) or dropped as text. A dropped file's relative paths resolve in
 * `droppedBaseDir`, and its "did you mean" hints look only inside `suggestWithin`: the UI's text is not the shell
 * user's own input, so a check never lists other folders' files.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcError } from '../rpc.ts';
import { SuiteError } from '../suite/suite-error.ts';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** A file inside the project as a project-relative path with '/', any other file as its absolute path. */
export function displayPath(abs: string): string {
  const rel = relative(PROJECT_DIR, abs);
  return rel.startsWith('..') || rel.startsWith(sep) ? abs : rel.split(sep).join('/');
}

export type YamlSource = { source: 'path'; path: string } | { source: 'text'; text: string; fileName: string };

export interface YamlCatalogueOptions<Loaded, Entry> {
  dirs: readonly string[];
  loadFile(abs: string): Promise<Loaded>;
  parseText(text: string, options: { fileName: string; baseDir: string; suggestWithin: readonly string[] }): Promise<Loaded>;
  entry(path: string, loaded: Loaded): Entry;
  droppedBaseDir: string;
  suggestWithin: readonly string[];
  /** The message when a display path is not in the list. */
  notFound(path: string): string;
}

export interface YamlCatalogue<Loaded, Entry> {
  /** Scan the folders again; files that do not load are left out (a check or the CLI says what is wrong). */
  list(): Promise<Entry[]>;
  /** The file a request names; a bad file is a `bad-request`, an unknown path `not-found`. */
  load(req: YamlSource): Promise<{ loaded: Loaded; source: string }>;
  /** Check a dropped file's text without keeping it. */
  check(text: string, fileName: string): Promise<{ ok: true; entry: Entry } | { ok: false; error: string }>;
}

export function createYamlCatalogue<Loaded, Entry>(o: YamlCatalogueOptions<Loaded, Entry>): YamlCatalogue<Loaded, Entry> {
  /** Display path → absolute file, as of the last list(). */
  const paths = new Map<string, string>();
  const parseDropped = (text: string, fileName: string): Promise<Loaded> =>
    o.parseText(text, { fileName, baseDir: o.droppedBaseDir, suggestWithin: o.suggestWithin });

  async function list(): Promise<Entry[]> {
    const entries: Entry[] = [];
    paths.clear();
    for (const dir of o.dirs) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const abs = join(dir, name);
        try {
          const loaded = await o.loadFile(abs);
          const path = displayPath(abs);
          paths.set(path, abs);
          entries.push(o.entry(path, loaded));
        } catch {
          // A broken file is not offered; a check or the CLI says what is wrong with it.
        }
      }
    }
    return entries;
  }

  return {
    list,
    async load(req) {
      try {
        if (req.source === 'path') {
          if (!paths.size) await list();
          const abs = paths.get(req.path);
          if (!abs) throw new RpcError('not-found', o.notFound(req.path));
          return { loaded: await o.loadFile(abs), source: req.path };
        }
        return { loaded: await parseDropped(req.text, req.fileName), source: `${req.fileName} (dropped)` };
      } catch (err) {
        if (err instanceof SuiteError) throw new RpcError('bad-request', err.describeAll());
        throw err;
      }
    },
    async check(text, fileName) {
      try {
        return { ok: true as const, entry: o.entry(fileName, await parseDropped(text, fileName)) };
      } catch (err) {
        if (err instanceof SuiteError) return { ok: false as const, error: err.describeAll() };
        throw err;
      }
    },
  };
}
