// Lint, and the folder boundaries of DESIGN "Shape" made mechanical: a file's folder says what it may import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'url', 'util'];

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
    files: ['electron/preload/**/*.ts'],
    rules: forbid([
      [['**/core/**', '**/renderer/**'], 'the sandboxed preload may import electron and shared/ only.'],
      [NODE_BUILTINS, 'a sandboxed preload cannot require Node built-ins.'],
    ]),
  },
);
