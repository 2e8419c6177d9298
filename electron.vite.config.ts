// One build for the three targets: Electron main and preload (out/main, out/preload) and the renderer
// (out/renderer), which is also what browser mode serves. `npm run build` needs no Electron binary.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { coreAssetsPlugin } from './electron/vite-plugins.ts';

const SIM_FONTS = resolve('core/backends/sim/fonts');

/** Every file of a project folder, as output name (under `into`) → source path. */
function folderFiles(folder: string, into: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(resolve(folder), { withFileTypes: true })) {
    if (entry.isFile()) files[`${into}/${entry.name}`] = resolve(folder, entry.name);
  }
  return files;
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          // core/compare starts this module in worker threads; bundled, it needs its own entry and main passes
          // its URL (out/main/compare-worker.js) to the engine instead of core's default ./worker.ts.
          'compare-worker': resolve('core/compare/worker.ts'),
          // core/ocr's worker threads likewise (issue 11): main passes out/main/ocr-worker.js as the OCR workerUrl.
          'ocr-worker': resolve('core/ocr/worker.ts'),
        },
        // Every chunk in out/main itself (not out/main/chunks/), so a core module's `new URL('./fonts/', …)`
        // means out/main/fonts/ whichever chunk the module lands in.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
    plugins: [
      coreAssetsPlugin({
        // core/backends/sim/fonts.ts reads new URL('./fonts/', import.meta.url): ship the fonts (and their
        // licences, which must travel with them) beside the chunk that holds that code.
        files: {
          'fonts/Roboto-Bold.ttf': resolve(SIM_FONTS, 'Roboto-Bold.ttf'),
          'fonts/DroidSansFallbackFull.ttf': resolve(SIM_FONTS, 'DroidSansFallbackFull.ttf'),
          'fonts/LICENSE-Apache-2.0.txt': resolve(SIM_FONTS, 'LICENSE-Apache-2.0.txt'),
          'fonts/LICENSES.md': resolve(SIM_FONTS, 'LICENSES.md'),
          // The suites the app offers out of the box and the input images they name (`../images/x.png`,
          // hence the same two sibling folders); electron/main passes out/main/fixtures/suites as suiteDirs.
          ...folderFiles('fixtures/suites', 'fixtures/suites'),
          ...folderFiles('fixtures/images', 'fixtures/images'),
        },
        allowedReferences: {
          'worker.ts':
            'core/compare/pool.ts and core/ocr/engine.ts defaults; electron/main passes compareWorkerUrl (compare-worker.js) and the OCR workerUrl (ocr-worker.js)',
          'suite-worker.ts': 'core/suite/load-off-thread.ts; where the bundle lacks it, suites are loaded in-process as before',
          '../../fixtures/suites/': 'core/app default suite folder; electron/main passes suiteDirs (out/main/fixtures/suites)',
          // Issue 12's sweep registry (core/app/sweep-registry.ts): found from a checkout; in a packaged app the folder
          // is absent and the registry offers the workspace's sweep-specs/ only (until electron/main passes specDirs).
          '../../fixtures/sweeps/': 'core/app bundled sweep specs; a missing folder lists no bundled specs',
          '../../': 'core/app PROJECT_DIR, used only to shorten suite paths for display',
          '../renderer/': 'built by the renderer part of this config',
          '../preload/index.cjs': 'built by the preload part of this config',
        },
      }),
    ],
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only require('electron'): bundle everything else into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        // Sandboxed preloads cannot be ES modules; package.json says "type": "module", hence .cjs.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    base: './',
    build: {
      outDir: resolve('out/renderer'),
      // electron-vite leaves renderer minification off; browser mode serves this bundle over HTTP too, and
      // React's production build is several times smaller (and faster to parse) minified.
      minify: true,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
    plugins: [react()],
  },
});
