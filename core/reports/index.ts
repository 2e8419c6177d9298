/** Reports: report.json built from run records, rendered to HTML, CSV and JUnit, written atomically. */
export { buildReport, summarizePairs, type ReportInput } from './build.ts';
export { renderCsvReport } from './csv.ts';
export { escapeHtml } from './escape.ts';
export { renderHtmlReport, type HtmlReportOptions } from './html.ts';
export { renderJunitReport } from './junit.ts';
export {
  DEFAULT_REPORT_FORMATS,
  loadReport,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  writeReports,
  type ReportFormat,
} from './write.ts';
