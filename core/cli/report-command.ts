/**
 * `omni-review report PATH`: re-render a report. From a report.json (the source of truth) it writes the
 * other formats beside it; from a run folder it rebuilds everything from run.sqlite, verdicts included.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { reportFromStore } from '../engine/report-from-store.ts';
import { REPORT_FORMATS, loadReport, writeReports, type ReportFormat } from '../reports/write.ts';
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

export async function reportCommand(path: string, opts: { format: string }, io: CliIo): Promise<number> {
  const formats = parseFormats(opts.format);
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new UsageError(`${path}: not found; pass a report.json or a run folder`);
  }
  let written: Partial<Record<ReportFormat, string>>;
  if (isDir) {
    if (!(await isRunFolder(abs))) throw new UsageError(`${path}: not a run folder (no run.sqlite); pass a report.json or a run folder`);
    const store = await openRunStore(abs);
    try {
      written = await writeReports(reportFromStore(store), abs, [...new Set<ReportFormat>(['json', ...formats])]);
    } finally {
      store.close();
    }
  } else {
    let report;
    try {
      report = await loadReport(abs);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    written = await writeReports(report, dirname(abs), formats.filter((f) => f !== 'json'));
  }
  for (const [format, file] of Object.entries(written)) io.stdout.write(`${format}: ${displayPath(file)}\n`);
  return 0;
}
