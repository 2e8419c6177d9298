/**
 * The suites the UI offers: every YAML file in the suite folders that loads, named by a display path. A run is
 * started from one of those paths (never from a path the renderer made up) or from a dropped suite's text.
 */
import type { SuiteEntry } from '../../shared/contract.ts';
import type { Handlers } from '../rpc.ts';
import type { LoadedSuite } from '../suite/load.ts';
// Off the main thread: a large suite must not stall every other request (issue 9).
import { loadSuiteFileOffThread as loadSuiteFile, parseSuiteTextOffThread as parseSuiteText } from '../suite/load-off-thread.ts';
import { createYamlCatalogue } from './yaml-catalogue.ts';

export interface SuiteCatalogue {
  /** Scan the suite folders again; broken suites are left out. */
  list(): Promise<SuiteEntry[]>;
  /** The suite a run was asked for; a bad suite is a `bad-request`, an unknown path `not-found`. */
  load(req: Parameters<Handlers['runs:start']>[0]['suite']): Promise<{ loaded: LoadedSuite; source: string }>;
  /** Check a suite's text without keeping it (the drop zone). */
  check(text: string, fileName: string): Promise<{ ok: true; suite: SuiteEntry } | { ok: false; error: string }>;
}

function suiteEntry(path: string, loaded: LoadedSuite): SuiteEntry {
  const categories: Record<string, number> = {};
  for (const c of loaded.suite.cases) categories[c.category] = (categories[c.category] ?? 0) + 1;
  return { path, name: loaded.suite.name, cases: loaded.suite.cases.length, categories, description: loaded.suite.description ?? null };
}

/**
 * The YAML handling is core/app/yaml-catalogue.ts, shared with the sweep registry's spec list.
 * @param droppedBaseDir where a dropped suite's relative input paths resolve (<workspace>/suites)
 * @param suggestWithin the only folders a dropped suite's "did you mean" hints may look into (the workspace and
 *   the suite folders): the UI's text is not the shell user's own input, so a check never lists other folders' files
 */
export function createSuiteCatalogue(suiteDirs: readonly string[], droppedBaseDir: string, suggestWithin: readonly string[]): SuiteCatalogue {
  const catalogue = createYamlCatalogue({
    dirs: suiteDirs,
    loadFile: loadSuiteFile,
    parseText: parseSuiteText,
    entry: suiteEntry,
    droppedBaseDir,
    suggestWithin,
    notFound: (path) => `suite "${path}" is not in the suite list; refresh it, or drop the YAML file`,
  });
  return {
    list: () => catalogue.list(),
    load: (req) => catalogue.load(req),
    async check(text, fileName) {
      const checked = await catalogue.check(text, fileName);
      return checked.ok ? { ok: true as const, suite: checked.entry } : checked;
    },
  };
}
