/**
 * Write a report folder (report.json, report.html, report.csv, report.md, junit.xml) and read report.json back.
 * Each file is written atomically (core/fs/atomic-write.ts: temp file, fsync, rename), so a reader (a CI step,
 * a browser reloading) never sees half a file and a crash never leaves a truncated report over a good one.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { describeIssue } from '../../shared/issue-path.ts';
import { REPORT_SCHEMA_VERSION, ReportSchema, type Report } from '../../shared/report.ts';
import { renderCsvReport } from './csv.ts';
import { renderHtmlReport } from './html.ts';
import { renderJunitReport } from './junit.ts';
import { renderMarkdownReport } from './markdown.ts';

export const REPORT_FORMATS = ['json', 'html', 'csv', 'junit', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const DEFAULT_REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'csv', 'md'];

export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = {
  json: 'report.json',
  html: 'report.html',
  csv: 'report.csv',
  junit: 'junit.xml',
  md: 'report.md',
};

function firstIssue(value: unknown): string | null {
  const parsed = ReportSchema.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  if (!issue) return 'invalid report';
  return `field ${describeIssue(issue)}`;
}

/**
 * Render and write the requested formats into `dir` (created when missing). Returns the written paths by
 * format. The report is validated first, so a bug upstream fails here with the field, not in a CI parser later.
 */
export async function writeReports(
  report: Report,
  dir: string,
  formats: readonly ReportFormat[] = DEFAULT_REPORT_FORMATS,
): Promise<Partial<Record<ReportFormat, string>>> {
  for (const f of formats) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new Error(`unknown report format "${String(f)}"; use one of ${REPORT_FORMATS.join(', ')}`);
    }
  }
  const problem = firstIssue(report);
  if (problem) throw new Error(`refusing to write an invalid report to ${dir}: ${problem}`);
  await mkdir(dir, { recursive: true });
  const written: Partial<Record<ReportFormat, string>> = {};
  for (const format of new Set(formats)) {
    const path = join(dir, REPORT_FILE_NAMES[format]);
    let text: string;
    if (format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
    else if (format === 'html') text = await renderHtmlReport(report, { reportDir: dir });
    else if (format === 'csv') text = renderCsvReport(report);
    else if (format === 'md') text = renderMarkdownReport(report);
    else text = renderJunitReport(report);
    await writeFileAtomic(path, text);
    written[format] = path;
  }
  return written;
}

/** Read and validate a report.json; every failure names the file and, for schema errors, the first bad field. */
export async function loadReport(path: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`report file not found: ${path}`, { cause: err });
    if (code === 'EISDIR') throw new Error(`${path} is a folder; pass the report.json inside it`, { cause: err });
    throw new Error(`cannot read report ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`report ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (value !== null && typeof value === 'object' && version !== undefined && version !== REPORT_SCHEMA_VERSION) {
    throw new Error(
      `report ${path} has schemaVersion ${JSON.stringify(version)}; this omni-review reads version ${REPORT_SCHEMA_VERSION}. ` +
        'Re-create the report with a matching omni-review version.',
    );
  }
  const parsed = ReportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `field ${describeIssue(issue)}` : 'invalid report';
    throw new Error(`report ${path} is not a valid omni-review report: ${where}`);
  }
  return parsed.data;
}
