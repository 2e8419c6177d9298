/**
 * report.csv: one row per pair with the key metrics, for spreadsheets and quick scripts.
 * RFC 4180: comma separated, CRLF line ends, fields with a comma, quote, CR or LF quoted with quotes doubled.
 * Text cells that a spreadsheet would run as a formula (starting with = + - @, or a tab / CR that some
 * apps strip first) get a leading apostrophe (OWASP "CSV injection"); numbers we computed are left alone.
 */
import type { Report, ReportPair, ReportSide } from '../../shared/report.ts';
import { orderedStageNames } from '../../shared/stages.ts';
import { improvement } from '../../shared/stats.ts';
import { speedRatio } from '../../shared/speedup.ts';
import { breakdownOf } from '../../shared/timing-breakdown.ts';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell: neutralised against formula injection, then quoted when RFC 4180 requires it. */
export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return csvText(value);
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',');
}

function sideColumns(s: ReportSide): CsvValue[] {
  return [
    s.status,
    s.error?.kind ?? null,
    s.error?.message ?? null,
    s.timings.e2eMs,
    s.width,
    s.height,
    s.requestedSize,
    s.peakMemoryMb,
    s.attempts,
    s.image,
  ];
}

const SIDE_FIELDS = ['status', 'error_kind', 'error', 'e2e_ms', 'width', 'height', 'requested_size', 'peak_memory_mb', 'attempts', 'image'];

const TEXT_FIELDS = ['text_pass', 'text_cer', 'text_ned', 'text_word_accuracy', 'text_char_accuracy', 'text_bow_recall', 'text_read', 'text_suggested_tags', 'verdict_side_tags'];

function textColumns(p: ReportPair, side: 'A' | 'B'): CsvValue[] {
  const t = p[side].text;
  return [
    t ? t.pass : null,
    t?.cer ?? null,
    t?.ned ?? null,
    t?.wordAccuracy ?? null,
    t?.charAccuracy ?? null,
    t?.bagOfWordsRecall ?? null,
    t?.recognized ?? null,
    t ? t.suggestedTags.join(' | ') : null,
    [...new Set(p.verdicts.flatMap((v) => v.sideTags?.[side] ?? []))].join(' | '),
  ];
}

function pairImprovement(p: ReportPair): number | null {
  if (p.A.status !== 'ok' || p.B.status !== 'ok') return null;
  return improvement(p.A.timings.e2eMs, p.B.timings.e2eMs);
}

/** One bucket of a side's breakdown (shared/timing-breakdown.ts), null when the side has no e2e or no such bucket. */
function bucketMs(s: ReportSide, key: string): number | null {
  if (s.status !== 'ok' || s.timings.e2eMs === null) return null;
  return breakdownOf({ ...s.timings, e2eMs: s.timings.e2eMs }).buckets.find((b) => b.key === key)?.ms ?? null;
}

export function renderCsvReport(report: Report): string {
  const stageNames = {
    A: orderedStageNames(report.pairs.flatMap((p) => Object.keys(p.A.timings.stages))),
    B: orderedStageNames(report.pairs.flatMap((p) => Object.keys(p.B.timings.stages))),
  };
  const header = [
    'key',
    'case_id',
    'title',
    'turn',
    'repeat',
    'category',
    'prompt',
    'expected_text',
    ...SIDE_FIELDS.map((f) => `A_${f}`),
    ...stageNames.A.map((s) => `A_stage_${s}_ms`),
    ...SIDE_FIELDS.map((f) => `B_${f}`),
    ...stageNames.B.map((s) => `B_stage_${s}_ms`),
    'improvement',
    'speedup_x',
    'A_other_server_ms',
    'A_not_reported_ms',
    'B_other_server_ms',
    'B_not_reported_ms',
    'diff_pixels',
    'diff_ratio',
    'ssim',
    'psnr',
    'identical',
    'size_mismatch',
    'heatmap',
    'verdicts',
    'verdict_tags',
    'verdict_notes',
    // Text check per side (issue 11), and the verdicts' tags per side; appended so older columns keep their place.
    ...(['A', 'B'] as const).flatMap((side) => TEXT_FIELDS.map((f) => `${f}_${side}`)),
  ];
  const lines = [csvRow(header)];
  for (const p of report.pairs) {
    lines.push(
      csvRow([
        p.key,
        p.caseId,
        p.title,
        p.turn,
        p.repeat,
        p.category,
        p.prompt,
        p.expectedText.join(' | '),
        ...sideColumns(p.A),
        ...stageNames.A.map((s) => p.A.timings.stages[s] ?? null),
        ...sideColumns(p.B),
        ...stageNames.B.map((s) => p.B.timings.stages[s] ?? null),
        pairImprovement(p),
        p.A.status === 'ok' && p.B.status === 'ok' ? speedRatio(p.A.timings.e2eMs, p.B.timings.e2eMs) : null,
        bucketMs(p.A, 'other_server'),
        bucketMs(p.A, 'not_reported'),
        bucketMs(p.B, 'other_server'),
        bucketMs(p.B, 'not_reported'),
        p.diff?.pixels ?? null,
        p.diff?.ratio ?? null,
        p.diff?.ssim ?? null,
        p.diff?.psnr ?? null,
        p.diff ? p.diff.identical : null,
        p.diff?.sizeMismatch ? `${p.diff.sizeMismatch.first} vs ${p.diff.sizeMismatch.second}` : null,
        p.diff?.heatmap ?? null,
        p.verdicts.map((v) => `${v.reviewer}:${v.verdict}`).join(' | '),
        [...new Set(p.verdicts.flatMap((v) => v.tags))].join(' | '),
        p.verdicts.filter((v) => v.note.trim()).map((v) => `${v.reviewer}: ${v.note.trim()}`).join(' | '),
        ...textColumns(p, 'A'),
        ...textColumns(p, 'B'),
      ]),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
