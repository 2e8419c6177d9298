import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { marked, type Token, type Tokens } from 'marked';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from './build.ts';
import { imagePaths } from './html-parts.ts';
import { mdText, renderMarkdownReport, worstPairs } from './markdown.ts';
import { config, reportInput, suite, verdict } from './test-fixtures/report-input.ts';
import { writeReports } from './write.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-md-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every token, depth first (tables' cells and paragraphs hold the links). */
function walk(tokens: readonly Token[], out: Token[] = []): Token[] {
  for (const t of tokens) {
    out.push(t);
    const withChildren = t as Token & { tokens?: Token[]; items?: Token[] };
    if (withChildren.tokens) walk(withChildren.tokens, out);
    if (withChildren.items) walk(withChildren.items, out);
    if (t.type === 'table') {
      const table = t as Tokens.Table;
      for (const cell of table.header) walk(cell.tokens, out);
      for (const row of table.rows) for (const cell of row) walk(cell.tokens, out);
    }
  }
  return out;
}

function hostileReport() {
  const s = suite();
  const poster = s.cases[0];
  if (!poster) throw new Error('fixture changed');
  // A prompt that tries to end the table row, open HTML and fake a link.
  poster.turns = [{ prompt: 'Write | BROKEN | row <script>alert(1)</script> [x](javascript:alert(1)) *bold*\nnext line', expectedText: ['招牌'] }];
  return buildReport(reportInput({ config: config({ suite: s }), verdicts: [verdict('poster', 1, 'B_better')] }));
}

describe('report.md', () => {
  it('parses as GitHub Markdown: every table row has the header\'s cells, even with hostile prompts', () => {
    const md = renderMarkdownReport(hostileReport());
    const tokens = walk(marked.lexer(md, { gfm: true }));
    const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table');
    expect(tables.length).toBeGreaterThanOrEqual(2); // by category, worst pairs (stages when reported)
    for (const table of tables) {
      expect(table.rows.length).toBeGreaterThan(0);
      for (const row of table.rows) expect(row).toHaveLength(table.header.length);
    }
    const headers = tables.map((t) => t.header.map((h) => h.text).join(','));
    expect(headers.some((h) => h.startsWith('group,pairs,A p50,A p95,B p50,B p95,speed-up (p50),A better,B better,tie,both bad'))).toBe(true);
    // No raw HTML and no javascript: link survive.
    expect(tokens.some((t) => t.type === 'html')).toBe(false);
    const links = tokens.filter((t): t is Tokens.Link => t.type === 'link');
    expect(links.every((l) => !/^javascript:/i.test(l.href))).toBe(true);
    expect(md).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('starts with the headline and names the worst pairs, failures first', () => {
    const report = hostileReport();
    const md = renderMarkdownReport(report);
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Omni Review · demo suite');
    const headlineLine = lines.find((l) => l.startsWith('**'));
    expect(headlineLine).toContain(report.summary.headline?.speed.replace(/[*_[\]|~\\`]/g, (c) => `\\${c}`) ?? '');
    const worst = worstPairs(report);
    expect(worst[0]?.why).toMatch(/failed/);
    expect(worst.some((w) => w.why === 'verdict: B better')).toBe(true);
  });

  it('links images relative to the run folder, and the links resolve to files that exist', async () => {
    const report = buildReport(reportInput());
    for (const rel of new Set(imagePaths(report))) {
      const path = join(dir, rel);
      await mkdir(dirname(path), { recursive: true });
      await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toFile(path);
    }
    const written = await writeReports(report, dir, ['json', 'md']);
    const md = renderMarkdownReport(report);
    expect(written.md).toBe(join(dir, 'report.md'));
    const links = walk(marked.lexer(md, { gfm: true })).filter((t): t is Tokens.Link => t.type === 'link');
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.href).not.toMatch(/^(\/|[a-z]+:)/i);
      expect(existsSync(resolve(dir, decodeURIComponent(link.href))), link.href).toBe(true);
    }
  });

  it('escapes what would change the Markdown', () => {
    expect(mdText('a | b')).toBe('a \\| b');
    expect(mdText('*x* _y_ [z](u) `c`')).toBe('\\*x\\* \\_y\\_ \\[z\\](u) \\`c\\`');
    expect(mdText('<b>&')).toBe('&lt;b>&amp;');
    expect(mdText('one\ntwo')).toBe('one two');
  });
});
