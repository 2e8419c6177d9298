import { describe, expect, it } from 'vitest';
import { buildReport } from './build.ts';
import { renderJunitReport } from './junit.ts';
import { reportInput } from './test-fixtures/report-input.ts';

describe('renderJunitReport', () => {
  it('has one testcase per pair; an errored side fails it, a pending or skipped side skips it', () => {
    const xml = renderJunitReport(buildReport(reportInput()));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<testsuites name="omni-review" tests="4" failures="1" errors="0" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toMatch(/<testcase classname="demo suite\.chain" name="chain#t2#r1: Add a moon" time="0\.700"><failure message="B: http 500: HTTP 500 from [^"]*CUDA out of memory/);
    expect(xml).toContain('<skipped message="A skipped, B pending"/>');
  });

  it('escapes names and messages and drops characters XML cannot carry', () => {
    const report = buildReport(reportInput());
    report.pairs[0]!.prompt = '<b>"Tom & Jerry\'s"</b> ]]> \u0007bell';
    report.pairs[2]!.B.error!.message = '</failure><evil attr="1"/>\u0000';
    const xml = renderJunitReport(report);
    expect(xml).toContain('name="poster#t1#r1: &lt;b&gt;&quot;Tom &amp; Jerry&apos;s&quot;&lt;/b&gt; ]]&gt; \uFFFDbell"');
    expect(xml).not.toContain('<evil');
    expect(xml).toContain('&lt;/failure&gt;&lt;evil attr=&quot;1&quot;/&gt;\uFFFD');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('passes every testcase when both sides of every pair are ok', () => {
    const report = buildReport(reportInput());
    report.pairs = report.pairs.slice(0, 2);
    const xml = renderJunitReport(report);
    expect(xml).toContain('tests="2" failures="0" errors="0" skipped="0"');
  });
});
