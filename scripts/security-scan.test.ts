import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateFindings,
  formatTable,
  parseAllowList,
  runElectronegativity,
  spellOutPrivateNames,
  stageBuild,
  toFinding,
  type AllowList,
  type Finding,
} from './security-scan.ts';

const finding = (over: Partial<Finding>): Finding => ({
  check: 'X_CHECK',
  severity: 'MEDIUM',
  confidence: 'FIRM',
  file: 'out/main/index.js',
  line: 1,
  column: 0,
  description: 'd',
  manualReview: false,
  ...over,
});

const REASON = 'A reviewed false positive: the guard is unit-tested in the file next to it.';

describe('parseAllowList', () => {
  it('accepts the documented shape', () => {
    const text = JSON.stringify({ $comment: 'c', entries: [{ check: 'OPEN_EXTERNAL_JS_CHECK', file: 'out/main/index.js', reason: REASON }] });
    expect(parseAllowList(text, 'security/x.json').entries).toHaveLength(1);
  });

  it.each([
    ['{', 'not valid JSON'],
    [JSON.stringify({ entries: [{ check: 'open_external', file: 'f', reason: REASON }] }), 'entries[0].check'],
    [JSON.stringify({ entries: [{ check: 'A_CHECK', file: 'f', reason: 'because' }] }), 'entries[0].reason'],
    [JSON.stringify({ entries: [{ check: 'A_CHECK', reason: REASON }] }), 'entries[0].file'],
    [JSON.stringify({ entries: [], extra: 1 }), '(root)'],
  ])('names the file and the first bad field (%s)', (text, where) => {
    expect(() => parseAllowList(text, 'security/x.json')).toThrow(new RegExp(`^security/x\\.json: .*${where.replace(/[.()[\]]/g, '\\$&')}`));
  });

  it('the project allow-list is valid, short, and names only checks Electronegativity has', async () => {
    const path = new URL('../security/electronegativity-allowlist.json', import.meta.url);
    const list = parseAllowList(await readFile(path, 'utf8'), 'security/electronegativity-allowlist.json');
    expect(list.entries.length).toBeLessThanOrEqual(4);
    const checksDir = join(dirname(createRequire(import.meta.url).resolve('@doyensec/electronegativity')), 'finder', 'checks');
    const ids = new Set<string>();
    for (const group of ['AtomicChecks', 'GlobalChecks']) {
      for (const file of await readdir(join(checksDir, group))) {
        if (!file.endsWith('.js')) continue;
        for (const m of (await readFile(join(checksDir, group, file), 'utf8')).matchAll(/this\.id = "([A-Z0-9_]+)"/g)) ids.add(m[1]!);
      }
    }
    expect(ids.size).toBeGreaterThan(30);
    for (const entry of list.entries) expect(ids).toContain(entry.check);
  });
});

describe('toFinding', () => {
  it('maps an Electronegativity issue and the staged file name back', () => {
    const raw = {
      id: 'OPEN_EXTERNAL_JS_CHECK',
      severity: { value: 2, name: 'MEDIUM' },
      confidence: { value: 0, name: 'TENTATIVE' },
      file: 'out/preload/index.js',
      location: { line: 4, column: 2 },
      description: 'Review the use of\n openExternal',
      manualReview: true,
    };
    expect(toFinding(raw, new Map([['out/preload/index.js', 'out/preload/index.cjs']]))).toEqual({
      check: 'OPEN_EXTERNAL_JS_CHECK',
      severity: 'MEDIUM',
      confidence: 'TENTATIVE',
      file: 'out/preload/index.cjs',
      line: 4,
      column: 2,
      description: 'Review the use of openExternal',
      manualReview: true,
    });
  });

  it('treats an unknown severity as HIGH so it cannot slip under the gate', () => {
    const raw = { id: 'NEW_CHECK', severity: { name: 'CRITICAL' }, confidence: { name: 'FIRM' }, file: 'N/A', location: { line: 0, column: 0 } };
    expect(toFinding(raw).severity).toBe('HIGH');
  });
});

describe('evaluateFindings', () => {
  const allow: AllowList = {
    entries: [
      { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'out/main/index.js', reason: REASON },
      { check: 'GONE_CHECK', file: 'out/main/index.js', reason: REASON },
    ],
  };

  it('fails MEDIUM and HIGH findings unless allow-listed for that file, and reports unused entries', () => {
    const result = evaluateFindings(
      [
        finding({ check: 'OPEN_EXTERNAL_JS_CHECK' }),
        finding({ check: 'OPEN_EXTERNAL_JS_CHECK', file: 'out/renderer/assets/x.js' }),
        finding({ check: 'SANDBOX_JS_CHECK', severity: 'HIGH' }),
        finding({ check: 'CSP_GLOBAL_CHECK', severity: 'LOW', file: 'N/A' }),
        finding({ check: 'ELECTRON_VERSION_JSON_CHECK', severity: 'INFORMATIONAL' }),
      ],
      allow,
    );
    expect(result.blocking.map((f) => `${f.check} ${f.file}`)).toEqual(['OPEN_EXTERNAL_JS_CHECK out/renderer/assets/x.js', 'SANDBOX_JS_CHECK out/main/index.js']);
    expect(result.allowed.map((a) => a.finding.check)).toEqual(['OPEN_EXTERNAL_JS_CHECK']);
    expect(result.below.map((f) => f.check)).toEqual(['CSP_GLOBAL_CHECK', 'ELECTRON_VERSION_JSON_CHECK']);
    expect(result.unused.map((e) => e.check)).toEqual(['GONE_CHECK']);
  });

  it('prints one aligned row per finding, failures first', () => {
    const table = formatTable(evaluateFindings([finding({ check: 'A_CHECK', severity: 'LOW' }), finding({ check: 'B_CHECK', severity: 'HIGH', line: 12 })], { entries: [] }));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^RESULT\s+SEVERITY\s+CHECK\s+WHERE\s+NOTE$/);
    expect(lines[1]).toMatch(/^FAIL\s+HIGH\s+B_CHECK\s+out\/main\/index\.js:12:0/);
    expect(lines[2]).toMatch(/^below gate\s+LOW\s+A_CHECK/);
    expect(lines[1]!.indexOf('B_CHECK')).toBe(lines[2]!.indexOf('A_CHECK'));
  });
});

describe('spellOutPrivateNames', () => {
  it('keeps length and positions, leaves shebangs alone', () => {
    const code = '#!/usr/bin/env node\nclass A {\n  #closed = false;\n  get closed() { return this.#closed; }\n  #run() {}\n}\n';
    const out = spellOutPrivateNames(code);
    expect(out).toBe('#!/usr/bin/env node\nclass A {\n  _closed = false;\n  get closed() { return this._closed; }\n  _run() {}\n}\n');
    expect(out.length).toBe(code.length);
  });
});

describe('stageBuild + Electronegativity (offline, on a tiny build)', () => {
  let base: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'omni-scan-test-'));
    const out = join(base, 'out');
    await mkdir(join(out, 'main'), { recursive: true });
    await mkdir(join(out, 'preload'), { recursive: true });
    await mkdir(join(out, 'renderer'), { recursive: true });
    // An insecure main: Node in the renderer, no isolation, no navigation limits, no permission handler.
    await writeFile(
      join(out, 'main', 'index.js'),
      'import { BrowserWindow } from "electron";\n' +
        // Modern syntax the scanner's own parser rejects; staging must make it readable.
        'class Gate { #closed = false; close() { this.#closed = true; return this.#closed; } }\n' +
        'new Gate().close();\n' +
        'const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\nw.loadURL("https://example.org/");\n',
    );
    // A .cjs file Electronegativity would skip on its own; the openExternal call must be found in it.
    await writeFile(join(out, 'preload', 'index.cjs'), 'const { shell } = require("electron");\nmodule.exports = (u) => shell.openExternal(u);\n');
    await writeFile(join(out, 'renderer', 'index.html'), '<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'self\'"><title>t</title>');
    await writeFile(join(base, 'package.json'), JSON.stringify({ name: 'x', devDependencies: { electron: '^45.4.1' } }));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('stages .cjs as .js, scans without the network and fails the insecure build', async () => {
    const staging = join(base, 'staging');
    await mkdir(staging);
    const renamed = await stageBuild(join(base, 'out'), join(base, 'package.json'), staging);
    expect([...renamed]).toEqual([['out/preload/index.js', 'out/preload/index.cjs']]);

    const result = await runElectronegativity(staging);
    expect(result.errors.filter((e) => !e.tolerable)).toEqual([]);
    const findings = result.issues.map((issue) => toFinding(issue, renamed));
    const evaluation = evaluateFindings(findings, { entries: [] });
    const blocking = evaluation.blocking.map((f) => `${f.check} ${f.file}`);
    expect(blocking).toContain('CONTEXT_ISOLATION_JS_CHECK out/main/index.js');
    // Positions refer to the real file (line 4 holds the BrowserWindow).
    expect(findings.find((f) => f.check === 'CONTEXT_ISOLATION_JS_CHECK')?.line).toBe(4);
    expect(blocking).toContain('SANDBOX_JS_CHECK out/main/index.js');
    expect(blocking).toContain('OPEN_EXTERNAL_JS_CHECK out/preload/index.cjs');
    expect(blocking.some((b) => b.startsWith('LIMIT_NAVIGATION_GLOBAL_CHECK'))).toBe(true);
    expect(blocking.some((b) => b.startsWith('PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK'))).toBe(true);
    // The release-list check needs GitHub and is excluded.
    expect(findings.some((f) => f.check === 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK')).toBe(false);
  });
});
