/**
 * junit.xml for CI gates: one testcase per pair, failing when a side errored, skipped when a side never ran
 * or was skipped. Test names and messages come from prompts and backends, so all of it is XML-escaped
 * (including characters XML cannot carry at all).
 */
import type { Report, ReportPair, ReportSide } from '../../shared/report.ts';
import { escapeXml } from './escape.ts';
import { formatDuration, formatPercent } from '../../shared/units.ts';

const SIDES = ['A', 'B'] as const;
const NAME_PROMPT_CHARS = 80;

function seconds(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? '0' : (ms / 1000).toFixed(3);
}

function oneLine(text: string, limit: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

function sideError(side: 'A' | 'B', s: ReportSide): string {
  const e = s.error;
  if (!e) return `${side}: failed (no error message recorded)`;
  return `${side}: ${e.kind}${e.httpStatus ? ` ${e.httpStatus}` : ''}: ${e.message}${e.url ? ` (${e.url})` : ''}`;
}

function testcase(p: ReportPair, suiteName: string): { xml: string; failed: boolean; skipped: boolean } {
  const failing = SIDES.filter((s) => p[s].status === 'error');
  const notRun = SIDES.filter((s) => p[s].status === 'pending' || p[s].status === 'skipped');
  const name = `${p.key}: ${oneLine(p.prompt, NAME_PROMPT_CHARS)}`;
  const time = Math.max(p.A.timings.e2eMs ?? 0, p.B.timings.e2eMs ?? 0);
  const attrs = `classname="${escapeXml(`${suiteName}.${p.caseId}`)}" name="${escapeXml(name)}" time="${seconds(time)}"`;
  const out = [
    `A ${p.A.status} ${formatDuration(p.A.timings.e2eMs)}`,
    `B ${p.B.status} ${formatDuration(p.B.timings.e2eMs)}`,
    p.diff ? `A↔B changed ${formatPercent(p.diff.ratio)}, SSIM ${p.diff.ssim?.toFixed(4) ?? '—'}` : 'A↔B not compared',
  ].join('\n');
  let body = '';
  if (failing.length > 0) {
    const messages = failing.map((s) => sideError(s, p[s]));
    const kind = failing.map((s) => p[s].error?.kind ?? 'error').join(',');
    body = `<failure message="${escapeXml(oneLine(messages.join('; '), 500))}" type="${escapeXml(kind)}">${escapeXml(messages.join('\n'))}</failure>`;
  } else if (notRun.length > 0) {
    body = `<skipped message="${escapeXml(notRun.map((s) => `${s} ${p[s].status}`).join(', '))}"/>`;
  }
  const xml = `    <testcase ${attrs}>${body}<system-out>${escapeXml(out)}</system-out></testcase>`;
  return { xml, failed: failing.length > 0, skipped: failing.length === 0 && notRun.length > 0 };
}

export function renderJunitReport(report: Report): string {
  const suiteName = report.run.suite.name;
  const cases = report.pairs.map((p) => testcase(p, suiteName));
  const failures = cases.filter((c) => c.failed).length;
  const skipped = cases.filter((c) => c.skipped).length;
  let totalMs = 0;
  for (const p of report.pairs) totalMs += Math.max(p.A.timings.e2eMs ?? 0, p.B.timings.e2eMs ?? 0);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(totalMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="omni-review" ${counts}>`,
    `  <testsuite name="${escapeXml(suiteName)}" ${counts} timestamp="${escapeXml(report.generatedAt)}">`,
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
