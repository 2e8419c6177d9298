import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteError, makeIssue } from '../suite/suite-error.ts';
import { createYamlCatalogue, displayPath } from './yaml-catalogue.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omni-yaml-catalogue-'));
  await writeFile(path.join(dir, 'b.yaml'), 'good b');
  await writeFile(path.join(dir, 'a.yml'), 'good a');
  await writeFile(path.join(dir, 'broken.yaml'), 'bad');
  await writeFile(path.join(dir, 'notes.txt'), 'good but not YAML');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in format: text starting with "good" loads (upper-cased), anything else is a SuiteError. */
function parse(text: string, fileName: string): string {
  if (!text.startsWith('good')) {
    throw new SuiteError([makeIssue({ file: fileName, line: 1, column: 1, field: 'name', problem: 'is not good', hint: 'Start with good.' })]);
  }
  return text.toUpperCase();
}

function catalogue() {
  const dropped: Array<{ baseDir: string; suggestWithin: readonly string[] }> = [];
  const c = createYamlCatalogue({
    dirs: [dir, path.join(dir, 'missing-folder')],
    loadFile: async (abs) => parse(await readFile(abs, 'utf8'), abs),
    parseText: async (text, o) => {
      dropped.push({ baseDir: o.baseDir, suggestWithin: o.suggestWithin });
      return parse(text, o.fileName);
    },
    entry: (p, loaded) => ({ path: p, loaded }),
    droppedBaseDir: '/dropped-base',
    suggestWithin: ['/only-here'],
    notFound: (p) => `"${p}" is not listed`,
  });
  return { c, dropped };
}

describe('createYamlCatalogue', () => {
  it('lists the YAML files that load, sorted by name, and leaves out broken ones and missing folders', async () => {
    const { c } = catalogue();
    expect(await c.list()).toEqual([
      { path: path.join(dir, 'a.yml'), loaded: 'GOOD A' },
      { path: path.join(dir, 'b.yaml'), loaded: 'GOOD B' },
    ]);
  });

  it('loads a listed file by its display path (listing first when needed), and refuses any other path', async () => {
    const { c } = catalogue();
    const listed = path.join(dir, 'b.yaml');
    await expect(c.load({ source: 'path', path: listed })).resolves.toEqual({ loaded: 'GOOD B', source: listed });
    await expect(c.load({ source: 'path', path: path.join(dir, 'broken.yaml') })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/broken\.yaml" is not listed/) });
    await expect(c.load({ source: 'path', path: path.join(dir, 'notes.txt') })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('parses dropped text in the dropped base folder with the given hint folders; a bad one is a bad-request', async () => {
    const { c, dropped } = catalogue();
    await expect(c.load({ source: 'text', text: 'good drop', fileName: 'mine.yaml' })).resolves.toEqual({ loaded: 'GOOD DROP', source: 'mine.yaml (dropped)' });
    expect(dropped).toEqual([{ baseDir: '/dropped-base', suggestWithin: ['/only-here'] }]);
    await expect(c.load({ source: 'text', text: 'nope', fileName: 'mine.yaml' })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/mine\.yaml.*is not good/s) });
  });

  it('checks dropped text without keeping it', async () => {
    const { c } = catalogue();
    await expect(c.check('good one', 'x.yaml')).resolves.toEqual({ ok: true, entry: { path: 'x.yaml', loaded: 'GOOD ONE' } });
    const bad = await c.check('bad', 'x.yaml');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/is not good/);
  });
});

describe('displayPath', () => {
  it('names a project file relative to the project with /, any other file absolutely', () => {
    const here = fileURLToPath(import.meta.url);
    expect(displayPath(here)).toBe('core/app/yaml-catalogue.test.ts');
    expect(displayPath(path.join(dir, 'a.yml'))).toBe(path.join(dir, 'a.yml'));
  });
});
