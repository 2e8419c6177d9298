/**
 * `npm run scan:security`: Electronegativity over the built app (out/), failing on any MEDIUM or HIGH finding
 * that security/electronegativity-allowlist.json does not explain. Electronegativity itself always exits 0
 * and has blind spots this wrapper closes:
 *
 * - it reads only .js/.ts/.html files, so out/ is scanned from a staging copy in which .cjs/.mjs files are
 *   renamed .js (the sandboxed preload is index.cjs) and package.json sits beside it (without it the
 *   Electron version is unknown and checks assume 2016 defaults);
 * - it fetches translations and release lists over the network on every run; the scan is offline by design,
 *   so `got` is replaced by a stub that fails at once, and AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK (which needs
 *   the network) is excluded;
 * - its parsers (2019-era Babel/esprima with eslint-scope) reject class private members (`#field`), which
 *   core uses: the staged copy spells them `_field` instead, one character for one, so every finding keeps its
 *   exact line and column in the real file (nothing security-relevant is ever named with a private member);
 * - a file it cannot parse would be silently unscanned: that fails the scan too.
 *
 * Usage: node scripts/security-scan.ts [--out DIR] [--allowlist FILE]
 */
import { cp, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { describeIssue } from '../shared/issue-path.ts';

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Findings at or above this severity fail the scan unless allow-listed. */
export const GATE: Severity = 'MEDIUM';
/** Electronegativity's name for the check that needs GitHub (lower-cased class name, as it expects). */
export const OFFLINE_EXCLUDED_CHECKS = ['availablesecurityfixesglobalcheck'];
/** What a build must contain for a scan to mean anything. */
export const REQUIRED_OUTPUTS = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'];

export interface Finding {
  check: string;
  severity: Severity;
  confidence: string;
  /** Path relative to the project root ('out/main/index.js'), or 'N/A' for global findings. */
  file: string;
  line: number;
  column: number;
  description: string;
  manualReview: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Allow-list
// ---------------------------------------------------------------------------------------------------------

const AllowEntrySchema = z
  .object({
    /** Electronegativity check id, e.g. OPEN_EXTERNAL_JS_CHECK. */
    check: z.string().regex(/^[A-Z0-9_]+$/, 'a check id in capitals, e.g. OPEN_EXTERNAL_JS_CHECK'),
    /** File the finding is reported in, relative to the project root ('N/A' for global checks). */
    file: z.string().min(1),
    /** Why the finding is acceptable, for a reviewer: what the code does and where the guard is tested. */
    reason: z.string().min(40, 'explain the finding for a reviewer (at least 40 characters)'),
  })
  .strict();
export type AllowEntry = z.infer<typeof AllowEntrySchema>;

const AllowListSchema = z.object({ $comment: z.string().optional(), entries: z.array(AllowEntrySchema) }).strict();
export type AllowList = z.infer<typeof AllowListSchema>;

/** Parse the allow-list, failing with the file and the first bad field. */
export function parseAllowList(text: string, fileName: string): AllowList {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const parsed = AllowListSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${fileName}: ${issue ? describeIssue(issue) : 'invalid'}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------------------

const RawIssueSchema = z.object({
  id: z.string(),
  severity: z.object({ name: z.string() }),
  confidence: z.object({ name: z.string() }),
  file: z.string(),
  location: z.object({ line: z.number(), column: z.number() }).partial().optional(),
  description: z.unknown().optional(),
  manualReview: z.boolean().optional(),
});

function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/**
 * One Electronegativity issue as a Finding. `fileMap` maps staged file names (relative to the staging root,
 * '/'-separated) back to the real ones; an unknown severity counts as HIGH, so nothing slips through the gate.
 */
export function toFinding(raw: unknown, fileMap: ReadonlyMap<string, string> = new Map()): Finding {
  const issue = RawIssueSchema.parse(raw);
  const staged = issue.file.split(sep).join('/');
  const description = typeof issue.description === 'string' ? issue.description : JSON.stringify(issue.description ?? '');
  return {
    check: issue.id,
    severity: isSeverity(issue.severity.name) ? issue.severity.name : 'HIGH',
    confidence: issue.confidence.name,
    file: fileMap.get(staged) ?? staged,
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    description: description.replace(/\s+/g, ' ').trim(),
    manualReview: issue.manualReview ?? false,
  };
}

export interface Evaluation {
  /** At or above the gate and not allow-listed: these fail the scan. */
  blocking: Finding[];
  /** At or above the gate, explained by an allow-list entry. */
  allowed: Array<{ finding: Finding; reason: string }>;
  /** Below the gate: printed, never failing. */
  below: Finding[];
  /** Entries that matched nothing (the code they excused is gone: remove them). */
  unused: AllowEntry[];
}

export function evaluateFindings(findings: readonly Finding[], allowList: AllowList, gate: Severity = GATE): Evaluation {
  const gateRank = SEVERITIES.indexOf(gate);
  const used = new Set<AllowEntry>();
  const result: Evaluation = { blocking: [], allowed: [], below: [], unused: [] };
  for (const finding of findings) {
    if (SEVERITIES.indexOf(finding.severity) < gateRank) {
      result.below.push(finding);
      continue;
    }
    const entry = allowList.entries.find((e) => e.check === finding.check && e.file === finding.file);
    if (entry) {
      used.add(entry);
      result.allowed.push({ finding, reason: entry.reason });
    } else {
      result.blocking.push(finding);
    }
  }
  result.unused = allowList.entries.filter((e) => !used.has(e));
  return result;
}

/** A plain-text table (no colours: CI logs and files read it too). */
export function formatTable(evaluation: Evaluation): string {
  const rows: string[][] = [['RESULT', 'SEVERITY', 'CHECK', 'WHERE', 'NOTE']];
  const where = (f: Finding) => (f.file === 'N/A' ? '(global)' : `${f.file}:${f.line}:${f.column}`);
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  for (const f of evaluation.blocking) rows.push(['FAIL', f.severity, f.check, where(f), clip(f.description, 90)]);
  for (const { finding: f, reason } of evaluation.allowed) rows.push(['allowed', f.severity, f.check, where(f), clip(reason, 90)]);
  for (const f of evaluation.below) rows.push(['below gate', f.severity, f.check, where(f), clip(f.description, 90)]);
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Staging and running Electronegativity
// ---------------------------------------------------------------------------------------------------------

async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/**
 * Class private names (`#closed`, `this.#releaser()`) as `_closed`, `this._releaser()`: same length, so line
 * and column numbers are unchanged. A `#` followed by an identifier character anywhere else (a string like
 * '#fff', a comment) changes too, which only alters text inside the scanned copy; `#!` shebangs are untouched.
 */
export function spellOutPrivateNames(code: string): string {
  return code.replace(/#(?=[A-Za-z_$])/g, '_');
}

/**
 * Copy `outDir` to `<stagingRoot>/out`, renaming .cjs/.mjs to .js and spelling out private names in every
 * JavaScript file, and the project's package.json beside it. Returns staged name → real name (both relative
 * to their roots, '/'-separated) for the renamed files.
 */
export async function stageBuild(outDir: string, packageJsonPath: string, stagingRoot: string): Promise<Map<string, string>> {
  const stagedOut = join(stagingRoot, 'out');
  await cp(outDir, stagedOut, { recursive: true });
  await writeFile(join(stagingRoot, 'package.json'), await readFile(packageJsonPath));
  const renamed = new Map<string, string>();
  for (const file of await listFiles(stagedOut)) {
    if (/\.(c|m)?js$/.test(file)) await writeFile(file, spellOutPrivateNames(await readFile(file, 'utf8')));
    const match = /\.(cjs|mjs)$/.exec(file);
    if (!match) continue;
    const target = `${file.slice(0, -match[0].length)}.js`;
    if (await stat(target).then(() => true, () => false)) {
      throw new Error(`cannot stage ${file} for scanning: ${target} exists too`);
    }
    await rename(file, target);
    const rel = (p: string) => relative(stagingRoot, p).split(sep).join('/');
    renamed.set(rel(target), rel(file));
  }
  return renamed;
}

export interface ScanResult {
  issues: unknown[];
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  globalChecks: number;
  atomicChecks: number;
}

/** Run Electronegativity in this process with its network access replaced by an immediate failure. */
export async function runElectronegativity(input: string): Promise<ScanResult> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@doyensec/electronegativity');
  // Its i18n loader and the release check `require('got')`; seed the module cache with a stub so nothing is
  // fetched (the real got also leaves a retry timer behind that throws after the scan has finished).
  for (const from of ['./locales/i18n.js', './finder/checks/GlobalChecks/AvailableSecurityFixesGlobalCheck.js']) {
    const gotPath = createRequire(new URL(from, pathToFileURL(entry))).resolve('got');
    const stub = new Module(gotPath);
    stub.exports = () => Promise.reject(new Error('offline: the security scan never uses the network'));
    stub.loaded = true;
    require.cache[gotPath] = stub;
  }
  const run = require('@doyensec/electronegativity') as (options: Record<string, unknown>) => Promise<ScanResult>;
  return run({
    input,
    isRelative: true,
    severitySet: 'informational',
    confidenceSet: 'tentative',
    excludeFromScan: OFFLINE_EXCLUDED_CHECKS,
  });
}

async function main(argv: string[]): Promise<number> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const option = (name: string, fallback: string) => {
    const at = argv.indexOf(name);
    return at >= 0 && argv[at + 1] ? resolve(argv[at + 1] as string) : fallback;
  };
  const outDir = option('--out', join(root, 'out'));
  const allowListPath = option('--allowlist', join(root, 'security', 'electronegativity-allowlist.json'));

  const missing: string[] = [];
  for (const file of REQUIRED_OUTPUTS) {
    if (!(await stat(join(outDir, file)).then((s) => s.isFile(), () => false))) missing.push(file);
  }
  if (missing.length > 0) {
    console.error(`security scan: ${outDir} lacks ${missing.join(', ')}: run \`npm run build\` first (npm run scan:security does).`);
    return 2;
  }
  let allowList: AllowList;
  try {
    allowList = parseAllowList(await readFile(allowListPath, 'utf8'), relative(root, allowListPath));
  } catch (error) {
    console.error(`security scan: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }

  const staging = await mkdtemp(join(tmpdir(), 'omni-review-scan-'));
  try {
    const renamed = await stageBuild(outDir, join(root, 'package.json'), staging);
    const result = await runElectronegativity(staging);
    const fileMap = new Map<string, string>();
    for (const [staged, real] of renamed) fileMap.set(staged, real);
    const findings = result.issues.map((issue) => toFinding(issue, fileMap));
    const evaluation = evaluateFindings(findings, allowList);

    console.log(`Electronegativity: ${result.globalChecks} global and ${result.atomicChecks} atomic checks over ${relative(root, outDir) || outDir} (offline; excluded: ${OFFLINE_EXCLUDED_CHECKS.join(', ')})`);
    console.log(findings.length > 0 ? formatTable(evaluation) : 'no findings');
    for (const entry of evaluation.unused) {
      console.log(`note: allow-list entry ${entry.check} in ${entry.file} matched nothing; remove it from ${relative(root, allowListPath)}`);
    }
    const broken = result.errors.filter((e) => !e.tolerable);
    for (const error of result.errors) {
      console.log(`${error.tolerable ? 'parse warning' : 'PARSE ERROR'}: ${fileMap.get(error.file) ?? error.file}: ${error.message}`);
    }
    if (broken.length > 0) {
      console.error(`security scan FAILED: ${broken.length} file(s) could not be parsed, so they were not scanned.`);
      return 1;
    }
    if (evaluation.blocking.length > 0) {
      console.error(
        `security scan FAILED: ${evaluation.blocking.length} ${GATE}+ finding(s). Fix them, or if a finding is a reviewed false ` +
          `positive add { "check", "file", "reason" } to ${relative(root, allowListPath)}.`,
      );
      return 1;
    }
    console.log(`security scan passed: no unexplained ${GATE} or HIGH findings (${evaluation.allowed.length} allow-listed).`);
    return 0;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
