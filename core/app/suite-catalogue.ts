/**
 * The suites the UI offers: every YAML file in the suite folders that loads, named by a display path. A run is
 * started from one of those paths (never from a path the renderer made up) or from a dropped suite's text.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteEntry } from '../../shared/contract.ts';
import { RpcError, type Handlers } from '../rpc.ts';
import type { LoadedSuite } from '../suite/load.ts';
// Off the main thread: a large suite must not stall every other request (issue 9).
import { loadSuiteFileOffThread as loadSuiteFile, parseSuiteTextOffThread as parseSuiteText } from '../suite/load-off-thread.ts';
import { SuiteError } from '../suite/suite-error.ts';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface SuiteCatalogue {
  /** Scan the suite folders again; broken suites are left out. */
  list(): Promise<SuiteEntry[]>;
  /** The suite a run was asked for; a bad suite is a `bad-request`, an unknown path `not-found`. */
  load(req: Parameters<Handlers['runs:start']>[0]['suite']): Promise<{ loaded: LoadedSuite; source: string }>;
  /** Check a suite's text without keeping it (the drop zone). */
  check(text: string, fileName: string): Promise<{ ok: true; suite: SuiteEntry } | { ok: false; error: string }>;
}

function displaySuitePath(abs: string): string {
  const rel = relative(PROJECT_DIR, abs);
  return rel.startsWith('..') || rel.startsWith(sep) ? abs : rel.split(sep).join('/');
}

function suiteEntry(path: string, loaded: LoadedSuite): SuiteEntry {
  const categories: Record<string, number> = {};
  for (const c of loaded.suite.cases) categories[c.category] = (categories[c.category] ?? 0) + 1;
  return { path, name: loaded.suite.name, cases: loaded.suite.cases.length, categories, description: loaded.suite.description ?? null };
}

/**
 * @param droppedBaseDir where a dropped suite's relative input paths resolve (<workspace>/suites)
 * @param suggestWithin the only folders a dropped suite's "did you mean" hints may look into (the workspace and
 *   the suite folders): the UI's text is not the shell user's own input, so a check never lists other folders' files
 */
export function createSuiteCatalogue(suiteDirs: readonly string[], droppedBaseDir: string, suggestWithin: readonly string[]): SuiteCatalogue {
  const suitePaths = new Map<string, string>();

  async function list(): Promise<SuiteEntry[]> {
    const entries: SuiteEntry[] = [];
    suitePaths.clear();
    for (const dir of suiteDirs) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const abs = join(dir, name);
        try {
          const loaded = await loadSuiteFile(abs);
          const path = displaySuitePath(abs);
          suitePaths.set(path, abs);
          entries.push(suiteEntry(path, loaded));
        } catch {
          // Broken suites are not offered; `suites:check` or the CLI say what is wrong with them.
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
          if (!suitePaths.size) await list();
          const abs = suitePaths.get(req.path);
          if (!abs) throw new RpcError('not-found', `suite "${req.path}" is not in the suite list; refresh it, or drop the YAML file`);
          return { loaded: await loadSuiteFile(abs), source: req.path };
        }
        return {
          loaded: await parseSuiteText(req.text, { fileName: req.fileName, baseDir: droppedBaseDir, suggestWithin }),
          source: `${req.fileName} (dropped)`,
        };
      } catch (err) {
        if (err instanceof SuiteError) throw new RpcError('bad-request', err.describeAll());
        throw err;
      }
    },
    async check(text, fileName) {
      try {
        const loaded = await parseSuiteText(text, { fileName, baseDir: droppedBaseDir, suggestWithin });
        return { ok: true as const, suite: suiteEntry(fileName, loaded) };
      } catch (err) {
        if (err instanceof SuiteError) return { ok: false as const, error: err.describeAll() };
        throw err;
      }
    },
  };
}
