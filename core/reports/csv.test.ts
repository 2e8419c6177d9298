import { describe, expect, it } from 'vitest';
import { buildReport } from './build.ts';
import { csvCell, csvRow, csvText, renderCsvReport } from './csv.ts';
import { reportInput } from './test-fixtures/report-input.ts';

/** Minimal RFC 4180 reader for the round-trip check (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('csv cells', () => {
  it('quotes fields with commas, quotes, CR or LF and doubles quotes (RFC 4180)', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('line1\nline2')).toBe('"line1\nline2"');
    expect(csvText('cr\rhere')).toBe('"cr\rhere"');
  });
  it('neutralises text that a spreadsheet would run as a formula', () => {
    expect(csvText('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('-2+3')).toBe("'-2+3");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\t=1')).toBe("'\t=1");
    expect(csvText('a=b')).toBe('a=b');
  });
  it('writes numbers we computed as numbers, negatives included, and empties for null', () => {
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvRow(['a', 1, null, '=x'])).toBe("a,1,,'=x");
  });
});

describe('renderCsvReport', () => {
  it('has a header and one CRLF-terminated row per pair that round-trips', () => {
    const report = buildReport(reportInput());
    report.pairs[0]!.prompt = 'Write "GRAND, OPENING"\non the sign';
    report.pairs[1]!.prompt = '=cmd|calc';
    const text = renderCsvReport(report);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(1 + report.pairs.length);
    const header = rows[0] as string[];
    const col = (name: string) => header.indexOf(name);
    for (const name of ['key', 'prompt', 'A_status', 'A_e2e_ms', 'B_error', 'A_stage_denoise_ms', 'improvement', 'diff_ratio', 'ssim', 'psnr']) {
      expect(col(name)).toBeGreaterThanOrEqual(0);
    }
    for (const r of rows) expect(r).toHaveLength(header.length);
    const poster = rows[1] as string[];
    expect(poster[col('prompt')]).toBe('Write "GRAND, OPENING"\non the sign');
    expect(poster[col('A_e2e_ms')]).toBe('300');
    expect(Number(poster[col('improvement')])).toBeCloseTo(0.75, 12); // (1200 − 300) / 1200
    expect(poster[col('ssim')]).toBe('0.95');
    expect(poster[col('verdicts')]).toBe('bo:tie | ana:A_better');
    expect((rows[2] as string[])[col('prompt')]).toBe("'=cmd|calc");
    const chain2 = rows[3] as string[];
    expect(chain2[col('B_status')]).toBe('error');
    expect(chain2[col('B_error')]).toMatch(/CUDA out of memory/);
    expect(chain2[col('improvement')]).toBe('');
  });
});
