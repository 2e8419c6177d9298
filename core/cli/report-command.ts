/**
 * `omni-review report PATH`: re-render a report. From a report.json (the source of truth) it writes the
 * other formats beside it; from a run folder it rebuilds everything from run.sqlite, verdicts included.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { reportFromStore } from '../engine/report-from-store.ts';
import { findChromium, printHtmlToPdf } from '../reports/pdf.ts';
import { REPORT_FORMATS, loadReport, writeReports, type ReportFormat } from '../reports/write.ts';
import type { Report } from '../../shared/report.ts';
import { closingLines } from './closing-lines.ts';
import { isRunFolder, openRunStore } from '../store/run-store.ts';
import { UsageError } from './args.ts';
import type { CliIo } from './io.ts';
import { displayPath } from './paths.ts';

function parseFormats(raw: string): ReportFormat[] {
  const list = raw.split(',').map((f) => f.trim()).filter(Boolean);
  if (list.length === 0) throw new UsageError(`--format: give at least one of ${REPORT_FORMATS.join(', ')}`);
  for (const f of list) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new UsageError(`--format: unknown format "${f}"; use ${REPORT_FORMATS.join(', ')}`);
    }
  }
  return list as ReportFormat[];
}

export interface ReportCommandOptions {
  format: string;
  /** Also print report.html to report.pdf through a Chromium found on the machine. */
  pdf?: boolean;
  chromium?: string;
}

export async function reportCommand(path: string, opts: ReportCommandOptions, io: CliIo): Promise<number> {
  const formats = parseFormats(opts.format);
  // Find the browser before writing anything: a missing Chromium is one line and exit 2, not a half-done folder.
  let chromium: string | null = null;
  if (opts.pdf) {
    const found = findChromium({ flag: opts.chromium });
    if (found.path === null) throw new UsageError(found.problem);
    chromium = found.path;
    if (!formats.includes('html')) formats.push('html');
  } else if (opts.chromium !== undefined) {
    throw new UsageError('--chromium is for --pdf; add --pdf to print report.pdf');
  }
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new UsageError(`${path}: not found; pass a report.json or a run folder`);
  }
  let written: Partial<Record<ReportFormat, string>>;
  let report: Report;
  let dir: string;
  if (isDir) {
    if (!(await isRunFolder(abs))) throw new UsageError(`${path}: not a run folder (no run.sqlite); pass a report.json or a run folder`);
    const store = await openRunStore(abs);
    try {
      report = reportFromStore(store);
      dir = abs;
      written = await writeReports(report, abs, [...new Set<ReportFormat>(['json', ...formats])]);
    } finally {
      store.close();
    }
  } else {
    try {
      report = await loadReport(abs);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    dir = dirname(abs);
    written = await writeReports(report, dir, formats.filter((f) => f !== 'json'));
  }
  for (const [format, file] of Object.entries(written)) io.stdout.write(`${format}: ${displayPath(file)}\n`);
  if (chromium !== null && written.html) {
    const pdf = join(dir, 'report.pdf');
    await printHtmlToPdf(chromium, written.html, pdf);
    io.stdout.write(`pdf: ${displayPath(pdf)} (printed with ${chromium})\n`);
  }
  for (const line of closingLines(report, dir)) io.stdout.write(`${line}\n`);
  return 0;
}
