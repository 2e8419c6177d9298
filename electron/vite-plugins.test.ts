import { describe, expect, it } from 'vitest';
import { findAssetReferences, missingAssetReferences } from './vite-plugins.ts';

describe('findAssetReferences', () => {
  it('finds literal relative new URL(…, import.meta.url) references, once each', () => {
    const code = [
      'const FONT_DIR = fileURLToPath(new URL("./fonts/", import.meta.url));',
      "const w = options.workerUrl ?? new URL('./worker.ts', import.meta.url);",
      'const again = new URL( "./fonts/" ,import.meta.url );',
      'const up = new URL(`../preload/index.cjs`, import.meta.url);',
      'const abs = new URL("https://example.org/x", import.meta.url);',
      'const dynamic = new URL(name, import.meta.url);',
      'const other = new URL("./x.bin", base);',
    ].join('\n');
    expect(findAssetReferences(code)).toEqual(['./fonts/', './worker.ts', '../preload/index.cjs']);
  });
});

describe('missingAssetReferences', () => {
  const chunks = [
    { fileName: 'index.js', code: 'new URL("./fonts/", import.meta.url); new URL("./compare-worker.js", import.meta.url)' },
    { fileName: 'chunks/sim.js', code: 'new URL("./data/table.bin", import.meta.url)' },
    { fileName: 'pool.js', code: 'new URL("./worker.ts", import.meta.url)' },
  ];

  it('reports references whose file is not in the output, relative to each chunk', () => {
    const outputs = new Set(['index.js', 'compare-worker.js', 'fonts/Roboto-Bold.ttf', 'pool.js', 'chunks/sim.js']);
    expect(missingAssetReferences(chunks, outputs)).toEqual([
      { chunk: 'chunks/sim.js', reference: './data/table.bin', target: 'chunks/data/table.bin' },
      { chunk: 'pool.js', reference: './worker.ts', target: 'worker.ts' },
    ]);
  });

  it('treats a folder reference as satisfied by any file below it, and honours the allow-list', () => {
    const outputs = new Set(['chunks/data/table.bin', 'compare-worker.js']);
    expect(missingAssetReferences(chunks, outputs, { 'worker.ts': 'passed explicitly' })).toEqual([
      { chunk: 'index.js', reference: './fonts/', target: 'fonts/' },
    ]);
  });
});
