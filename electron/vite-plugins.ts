/**
 * Build-time help for bundling core/ into the Electron main process (used by electron.vite.config.ts).
 *
 * core/ runs from source under Node and finds its runtime files beside its modules with
 * `new URL('./x', import.meta.url)`. Bundled, `import.meta.url` is the chunk's URL instead, and the bundler
 * leaves such references alone in a Node build. So:
 * - `copyFiles` puts the files where the chunk will look (e.g. the simulators' fonts to out/main/fonts/);
 * - `checkAssetReferences` fails the build when a chunk references a file that is not in the output, naming the
 *   chunk, the reference and what to do, instead of letting the packaged app fail on first use.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { Plugin } from 'vite';

/** `new URL('<relative>', import.meta.url)` with a literal relative path, as it appears in built code. */
const ASSET_REFERENCE = /new URL\(\s*(["'`])(\.{1,2}\/[^"'`]*)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Every literal relative `new URL(…, import.meta.url)` reference in a chunk's code. */
export function findAssetReferences(code: string): string[] {
  const found = new Set<string>();
  for (const match of code.matchAll(ASSET_REFERENCE)) found.add(match[2] as string);
  return [...found];
}

export interface MissingReference {
  chunk: string;
  reference: string;
  /** Where it points, relative to the output folder. */
  target: string;
}

/**
 * References whose target is not among `outputFiles` (paths relative to the output folder, '/'-separated).
 * A reference ending in '/' names a folder and is satisfied by any file under it. `allowed` maps a target to
 * the reason it is known to be provided another way.
 */
export function missingAssetReferences(
  chunks: ReadonlyArray<{ fileName: string; code: string }>,
  outputFiles: ReadonlySet<string>,
  allowed: Readonly<Record<string, string>> = {},
): MissingReference[] {
  const missing: MissingReference[] = [];
  for (const chunk of chunks) {
    const base = posix.dirname(chunk.fileName);
    for (const reference of findAssetReferences(chunk.code)) {
      const joined = posix.normalize(posix.join(base, reference));
      const target = reference.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
      if (Object.prototype.hasOwnProperty.call(allowed, target)) continue;
      const present = target.endsWith('/') ? [...outputFiles].some((file) => file.startsWith(target)) : outputFiles.has(target);
      if (!present) missing.push({ chunk: chunk.fileName, reference, target });
    }
  }
  return missing;
}

export interface CopyFilesOptions {
  /** Output file name (relative to the build's outDir) → absolute source path. */
  files: Record<string, string>;
  /** Targets that are provided another way, each with the reason (see missingAssetReferences). */
  allowedReferences?: Record<string, string>;
}

/** Emit `files` into the bundle, then check every asset reference of every chunk against the output. */
export function coreAssetsPlugin(options: CopyFilesOptions): Plugin {
  return {
    name: 'omni-review:core-assets',
    apply: 'build',
    generateBundle(_outputOptions, bundle) {
      for (const [fileName, source] of Object.entries(options.files)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
      }
      const chunks: Array<{ fileName: string; code: string }> = [];
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk') chunks.push({ fileName: item.fileName, code: item.code });
      }
      const outputFiles = new Set([...Object.keys(bundle), ...Object.keys(options.files)]);
      const missing = missingAssetReferences(chunks, outputFiles, options.allowedReferences);
      if (missing.length > 0) {
        const lines = missing.map((m) => `  ${m.chunk}: new URL('${m.reference}', import.meta.url) → ${m.target} is not in the build output`);
        this.error(
          `bundled code references files that the Electron build does not ship:\n${lines.join('\n')}\n` +
            'Copy them with coreAssetsPlugin({ files }) in electron.vite.config.ts, or have core take their location as an option.',
        );
      }
    },
  };
}
