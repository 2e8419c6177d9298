// Lint, and the folder boundaries of DESIGN "Shape" made mechanical: a file's folder says what it may import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'url', 'util'];

// Every folder of ours is one element; the first matching pattern wins (bridge before renderer).
const ELEMENTS = [
  { type: 'shared', pattern: 'shared/**', partialMatch: false },
  { type: 'report-script', pattern: 'core/reports/report-script/**', partialMatch: false },
  { type: 'core', pattern: 'core/**', partialMatch: false },
  { type: 'tooling', pattern: ['scripts/**', 'bench/**', 'build/**', 'bin/**', 'e2e/**'], partialMatch: false },
  { type: 'electron-main', pattern: 'electron/main/**', partialMatch: false },
  { type: 'electron-preload', pattern: 'electron/preload/**', partialMatch: false },
  { type: 'bridge', pattern: 'renderer/src/bridge/**', partialMatch: false },
  { type: 'renderer', pattern: 'renderer/**', partialMatch: false },
];
// Single files outside those folders.
const FILES = [
  { category: 'ipc-channels', pattern: 'electron/ipc-channels.ts' },
  { category: 'manifest', pattern: 'package.json' },
  { category: 'pair-index', pattern: 'core/reports/pair-index.ts' },
];

const el = (...types) => types.map((type) => ({ element: { type } }));
const IPC_CHANNELS = { file: { categories: 'ipc-channels' } };
const MANIFEST = { file: { categories: 'manifest' } };
const npm = (source) => ({ module: { origin: 'external', source } });
const ANY_NPM = npm('**');
const NODE_CORE = { module: { origin: 'core' } };
const UI_PACKAGES = ['react', 'react/**', 'react-dom', 'react-dom/**', 'zustand', 'zustand/**', '@tanstack/**'];

/**
 * DESIGN "Shape" as policies: anything not allowed here is an error, npm packages and Node built-ins included
 * (checkAllOrigins). scripts/boundaries.test.ts plants a violation of each seam and expects an error.
 */
const BOUNDARY_POLICIES = [
  {
    from: el('shared'),
    // opencc-js (pure JS tables): text-metrics folds Traditional Chinese to Simplified before comparing.
    allow: { to: [...el('shared'), npm('zod'), npm('opencc-js')] },
    message: 'shared/ is the isomorphic bottom layer: it may import shared/, zod and opencc-js only.',
  },
  {
    from: el('core'),
    allow: { to: [...el('core', 'shared'), MANIFEST, ANY_NPM, NODE_CORE] },
    message: 'core/ is the Node engine: shared/, Node built-ins and npm packages, never electron/ or renderer/.',
  },
  { from: el('core'), disallow: { to: [npm('electron'), ...UI_PACKAGES.map(npm)] }, message: 'core/ never imports electron or UI packages.' },
  {
    from: el('report-script'),
    allow: { to: [...el('report-script'), { file: { categories: 'pair-index' } }] },
    message: "report.html's browser script is bundled alone: it may import its own folder and pair-index.ts only.",
  },
  { from: el('tooling'), allow: { to: [...el('tooling', 'core', 'shared'), IPC_CHANNELS, MANIFEST, ANY_NPM, NODE_CORE] } },
  {
    from: el('electron-main'),
    allow: { to: [...el('electron-main', 'core', 'shared'), IPC_CHANNELS, ANY_NPM, NODE_CORE] },
    message: 'electron/main may import core/, shared/, electron and its own folder; never the renderer or the preload.',
  },
  { from: el('electron-main'), disallow: { to: UI_PACKAGES.map(npm) }, message: 'electron/main never imports UI packages.' },
  {
    from: el('electron-preload'),
    allow: { to: [...el('electron-preload', 'shared'), IPC_CHANNELS, npm('electron')] },
    message: 'the sandboxed preload may import electron, shared/ and ipc-channels only: no Node built-ins, no electron/main code.',
  },
  { from: IPC_CHANNELS, allow: { to: el('shared') }, message: 'ipc-channels.ts is shared by main and preload: shared/ only.' },
  {
    from: el('renderer', 'bridge'),
    allow: { to: [...el('renderer', 'bridge', 'shared'), ANY_NPM] },
    message: 'renderer/ runs in a browser sandbox: shared/, its own folder and browser packages; core/, electron/ and Node built-ins go through the ReviewApi bridge.',
  },
  { from: el('renderer', 'bridge'), disallow: { to: npm('electron') }, message: 'renderer/ reaches the shell only through window.reviewApi.' },
];

/** Every spelling of `reviewApi` read off window/globalThis: only renderer/src/bridge may touch the preload's object. */
const REVIEW_API_ACCESS = ['MemberExpression[property.name="reviewApi"]', 'MemberExpression[property.value="reviewApi"]', 'ObjectPattern > Property[key.name="reviewApi"]'].map(
  (selector) => ({ selector, message: 'window.reviewApi is read only in renderer/src/bridge/: use pickBridge() from there.' }),
);

/** no-restricted-imports with one message per forbidden group. */
function forbid(groups) {
  return {
    'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', '.tsbuild/', 'coverage/', 'test-results/', 'playwright-report/', '.omni-review/', '.tmp/', 'third_party/', 'baseline/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['bin/**/*.mjs', 'scripts/**/*.{js,mjs,cjs}', '*.config.{js,cjs,mjs}', 'electron-builder.config.cjs'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      ...forbid([
        [NODE_BUILTINS, 'shared/ is isomorphic: no Node built-ins (put Node code in core/).'],
        [['electron', 'react', 'react-dom', 'zustand', 'sharp'], 'shared/ holds the contract and pure math only.'],
        [['**/core/**', '**/renderer/**', '**/electron/**'], 'shared/ is the bottom layer: it imports nothing of ours but shared/.'],
      ]),
      'no-restricted-globals': ['error', 'process', 'Buffer', 'window', 'document', '__dirname', 'require'],
    },
  },
  {
    files: ['core/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: forbid([
      [['electron', 'electron/*'], 'core/ never imports electron: only electron/ may.'],
      [['react', 'react-dom', 'zustand'], 'core/ is the Node engine; UI code lives in renderer/.'],
      [['**/renderer/**', '**/electron/**'], 'core/ may import shared/ only.'],
    ]),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    // Unit tests run in Node (vitest) and may start loopback servers; the browser-only rules are for app code.
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid([
        [NODE_BUILTINS, 'renderer/ runs in a browser sandbox: no Node built-ins.'],
        [['electron', 'electron/*'], 'renderer/ reaches the shell only through renderer/src/bridge (window.reviewApi).'],
        [['**/core/**', '**/electron/**'], 'renderer/ may import shared/ only; everything else goes through the ReviewApi bridge.'],
      ]),
    },
  },
  { files: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'], plugins: { 'react-hooks': reactHooks }, rules: reactHooks.configs.recommended.rules },
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': import.meta.dirname,
      'boundaries/elements': ELEMENTS,
      'boundaries/files': FILES,
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', checkAllOrigins: true, checkUnknownLocals: true, policies: BOUNDARY_POLICIES }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/src/bridge/**', 'renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: { 'no-restricted-syntax': ['error', ...REVIEW_API_ACCESS] },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: forbid([
      [['**/core/**', '**/renderer/**'], 'the sandboxed preload may import electron and shared/ only.'],
      [NODE_BUILTINS, 'a sandboxed preload cannot require Node built-ins.'],
    ]),
  },
);
