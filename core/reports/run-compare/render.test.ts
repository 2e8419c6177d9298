/**
 * compare.html and compare.md from a comparison whose strings came from a hostile run (titles, case ids, labels,
 * folder names, thumbnail paths): everything escaped, nothing linked or embedded from outside the folder.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparedPair, PixelChange, RunComparison } from '../../../shared/run-compare.ts';
import { renderComparisonHtml } from './html.ts';
import { renderComparisonMarkdown } from './markdown.ts';

const EVIL = '<img src=x onerror=alert(1)> | `tick` *bold*\nnext';
/** Rows of a GitHub table whose cell count differs from its header's (unescaped `|` separators), and rows broken by a newline. */
function tableShapeProblems(md: string): string[] {
  const problems: string[] = [];
  let columns: number | null = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      columns = null;
      continue;
    }
    if (!line.endsWith(' |')) problems.push(`row not closed: ${line}`);
    const cells = line.split(/(?<!\\)\|/).length - 2;
    if (columns === null) columns = cells;
    else if (cells !== columns) problems.push(`${cells} cells, header has ${columns}: ${line}`);
  }
  return problems;
}

let root: string;
let dir: string;

const pixel = (patch: Partial<PixelChange>): PixelChange => ({ state: 'identical', ratio: 0, pixels: 0, before: null, after: null, thumbs: null, note: null, ...patch });

function comparison(): RunComparison {
  const ref = (id: string) => ({ id, dir: `runs/${EVIL}`, suite: EVIL, createdAt: 'then', status: 'complete', backends: { A: { label: EVIL, simulated: true, faults: 'typo=0.3' }, B: { label: 'B', simulated: false, faults: '' } } });
  const pair: ComparedPair = {
    key: 'k1',
    caseId: `case${EVIL}`,
    turn: 2,
    repeat: 1,
    title: EVIL,
    category: 'text-rendering',
    promptChanged: true,
    verdict: { before: 'A better', after: 'B better', changed: true },
    text: { A: { before: true, after: false, changed: true }, B: { before: null, after: null, changed: false } },
    status: { A: { before: 'ok', after: 'ok' }, B: { before: 'ok', after: 'error' } },
    e2eMs: { A: { before: 1000, after: 1500 }, B: { before: 2000, after: null } },
    pixels: {
      A: pixel({ state: 'changed', ratio: 0.12, pixels: 10, thumbs: { before: 'images/ok.webp', after: '../outside.webp', heatmap: 'javascript:alert(1)' } }),
      B: pixel({ state: 'missing', note: 'no image in the second run' }),
    },
  };
  return {
    schemaVersion: 1,
    generatedAt: 'now',
    tool: { name: 'omni-review', version: 't' },
    before: ref('r1'),
    after: ref('r2'),
    headline: `headline ${EVIL}`,
    warnings: [`warning ${EVIL}`],
    matching: { matched: 1, onlyBefore: [{ caseId: EVIL, turn: 1, repeat: 1, title: null, category: 'edit' }], onlyAfter: [] },
    speed: [
      { category: 'all', side: 'A', rows: [{ stage: 'e2e', n: 1, p50: { before: 1000, after: 1500 }, p95: { before: 1000, after: 1500 }, ratio: 1.5, change: 'A 1.50× slower' }] },
      { category: 'all', side: 'B', rows: [{ stage: 'e2e', n: 0, p50: { before: null, after: null }, p95: { before: null, after: null }, ratio: null, change: null }] },
    ],
    totals: { verdictChanged: 1, verdictCompared: 1, textChanged: 1, pictures: { A: { changed: 1, compared: 1 }, B: { changed: 0, compared: 0 } } },
    pairs: [pair],
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omni-compare-render-'));
  dir = join(root, 'out');
  await mkdir(join(dir, 'images'), { recursive: true });
  await writeFile(join(dir, 'images', 'ok.webp'), await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } }).webp().toBuffer());
  // A real file one level up: a path that climbs out of the folder must not reach it.
  await writeFile(join(root, 'outside.webp'), await sharp({ create: { width: 4, height: 4, channels: 3, background: '#654321' } }).webp().toBuffer());
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('compare.html', () => {
  it('escapes every string from the runs, embeds only thumbnails inside its folder, and runs no script', async () => {
    const html = await renderComparisonHtml(comparison(), dir);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('outside.webp');
    expect((html.match(/<img src="data:image\/webp;base64,/g) ?? []).length).toBe(1);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^"]+&#39;; img-src data:/);
    // Words and units, never raw values: the verdict and text changes, the e2e with units, the missing figure as a dash.
    expect(html).toContain('A better → B better');
    expect(html).toContain('pass → fail');
    expect(html).toContain('e2e 1,000 ms → 1,500 ms');
    expect(html).toContain('status ok → error');
    expect(html).toContain('12 % changed');
  });

  it('embeds the font face its hook gives for the page text, and lets the CSP load it from data:', async () => {
    const seen: string[] = [];
    const c = comparison();
    c.pairs[0]!.title = '欢迎光临';
    const html = await renderComparisonHtml(c, dir, {
      fontFace: async (text) => {
        seen.push(text);
        return '@font-face{font-family:"X";src:url(data:font/woff2;base64,AAAA)}';
      },
    });
    expect(seen[0]).toContain('欢迎光临');
    expect(html).toContain('<style>@font-face{font-family:"X"');
    expect(html).toMatch(/font-src data:/);
    const plain = await renderComparisonHtml(c, dir);
    expect(plain).not.toContain('font-src');
  });
});

describe('compare.md', () => {
  it('keeps every table row whole (pipes and newlines escaped), no raw HTML, no link outside the folder', () => {
    const md = renderComparisonMarkdown(comparison());
    expect(md).not.toContain('<img src=x');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt; \\| `tick` *bold* next');
    expect(tableShapeProblems(md)).toEqual([]);
    const rows = md.split('\n').filter((l) => l.startsWith('| case'));
    expect(rows.length).toBeGreaterThan(0);
    expect(md).toContain('![A before](images/ok.webp)');
    expect(md).not.toContain('outside.webp');
    expect(md).not.toContain('javascript:');
    expect(md).toContain('| Text A | Text B |');
    expect(md).toContain('**pass → fail**');
    expect(md).toMatch(/\*\*Only in the first run\*\* \(1\)/);
  });
});
