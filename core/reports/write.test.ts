import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from './build.ts';
import { reportInput } from './test-fixtures/report-input.ts';
import { loadReport, writeReports } from './write.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports', () => {
  it('writes json, html, csv and md by default, atomically (no temp files left), and the JSON loads back equal', async () => {
    const report = buildReport(reportInput());
    const out = join(dir, 'run-a', 'report');
    const written = await writeReports(report, out);
    expect(Object.keys(written).sort()).toEqual(['csv', 'html', 'json', 'md']);
    expect((await readdir(out)).sort()).toEqual(['report.csv', 'report.html', 'report.json', 'report.md']);
    const json = await readFile(join(out, 'report.json'), 'utf8');
    expect(json).toContain('\n  "schemaVersion": 1');
    expect(await loadReport(join(out, 'report.json'))).toEqual(report);
  });

  it('writes junit.xml when asked and replaces existing files', async () => {
    const out = join(dir, 'run-b');
    const report = buildReport(reportInput());
    await writeReports(report, out, ['json']);
    report.run.suite.name = 'renamed';
    const written = await writeReports(report, out, ['json', 'junit']);
    expect(written.junit).toBe(join(out, 'junit.xml'));
    expect((await loadReport(join(out, 'report.json'))).run.suite.name).toBe('renamed');
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.json']);
  });

  it('refuses an invalid report or an unknown format with the reason', async () => {
    const report = buildReport(reportInput());
    (report.pairs[0] as { turn: number }).turn = 0;
    await expect(writeReports(report, join(dir, 'bad'))).rejects.toThrow(/invalid report .*field pairs\[0\]\.turn/);
    // @ts-expect-error: an unknown format from an untyped caller (CLI flag)
    await expect(writeReports(buildReport(reportInput()), join(dir, 'bad'), ['pdf'])).rejects.toThrow(/unknown report format "pdf"/);
  });
});

describe('loadReport', () => {
  it('names the file when it is missing, a folder or not JSON', async () => {
    await expect(loadReport(join(dir, 'nope.json'))).rejects.toThrow(/report file not found: .*nope\.json/);
    await expect(loadReport(dir)).rejects.toThrow(/is a folder; pass the report\.json inside it/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"schemaVersion": 1,');
    await expect(loadReport(broken)).rejects.toThrow(/report .*broken\.json is not valid JSON/);
  });

  it('names the first bad field of a report that does not match the schema', async () => {
    const report = JSON.parse(JSON.stringify(buildReport(reportInput())));
    report.pairs[2].B.status = 'exploded';
    const path = join(dir, 'bad-field.json');
    await writeFile(path, JSON.stringify(report));
    await expect(loadReport(path)).rejects.toThrow(/bad-field\.json is not a valid omni-review report: field pairs\[2\]\.B\.status: /);
  });

  it('says when the schema version is not one it reads', async () => {
    const report = JSON.parse(JSON.stringify(buildReport(reportInput())));
    report.schemaVersion = 2;
    const path = join(dir, 'v2.json');
    await writeFile(path, JSON.stringify(report));
    await expect(loadReport(path)).rejects.toThrow(/v2\.json has schemaVersion 2; this omni-review reads version 1/);
  });

  it('rejects JSON that is not an object at the top level', async () => {
    const path = join(dir, 'array.json');
    await writeFile(path, '[]');
    await expect(loadReport(path)).rejects.toThrow(/array\.json is not a valid omni-review report: field \(root\): /);
  });
});
