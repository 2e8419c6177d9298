import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report.ts';
import { buildReport } from './build.ts';
import { contentSecurityPolicy, renderHtmlReport, safeRelativeHref } from './html.ts';
import { backend, config, imageId, reportInput, suite, verdict } from './test-fixtures/report-input.ts';

const XSS = '<img src=x onerror=alert(1)>';
const ESCAPED_XSS = '&lt;img src=x onerror=alert(1)&gt;';

let dir: string;

async function writePng(rel: string, rgb: [number, number, number]): Promise<void> {
  const path = join(dir, rel);
  await mkdir(dirname(path), { recursive: true });
  await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toFile(path);
}

const rel = (name: string) => {
  const id = imageId(name);
  return `images/${id.slice(0, 2)}/${id}.png`;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-html-'));
  // Only the poster pair's images exist on disk; every other image is missing and must render a placeholder.
  await writePng(rel('poster-input'), [200, 200, 200]);
  await writePng(rel('poster-A-1-1'), [200, 20, 20]);
  await writePng(rel('poster-B-1-1'), [20, 200, 20]);
  await writePng(rel('heat-poster-1'), [120, 120, 120]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function baseReport(): Report {
  return buildReport(reportInput());
}

/** A report where every field a person or a backend can write carries an XSS payload. */
function hostileReport(): Report {
  const s = suite();
  const poster = s.cases[0];
  if (!poster) throw new Error('fixture changed');
  poster.title = XSS;
  poster.turns = [{ prompt: `Write ${XSS} </script><script>alert(2)</script>`, expectedText: [XSS] }];
  poster.tags = [XSS];
  const input = reportInput({
    config: config({
      suite: s,
      backends: { A: backend('A', { url: `http://x/${XSS}`, label: XSS, faults: XSS }), B: backend('B', { simulated: false }) },
    }),
    verdicts: [verdict('poster', 1, 'A_better', { note: XSS, reviewer: XSS })],
  });
  input.servers.A = { model: XSS, generation: 'current', editPath: XSS, generatePath: null, notes: [XSS] };
  const report = buildReport(input);
  const chainB = report.pairs[2]?.B;
  if (!chainB?.error) throw new Error('fixture changed');
  chainB.error.message = `HTTP 500: ${XSS}`;
  chainB.error.url = XSS;
  report.run.suite.name = XSS;
  return report;
}

function between(text: string, open: string, close: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const start = text.indexOf(open, at);
    if (start < 0) return out;
    const end = text.indexOf(close, start + open.length);
    out.push(text.slice(start + open.length, end));
    at = end + close.length;
  }
}

describe('safeRelativeHref', () => {
  it('percent-encodes segments of a relative path and keeps ../', () => {
    expect(safeRelativeHref('../images/ab/a b#c.png')).toBe('../images/ab/a%20b%23c.png');
  });
  it('refuses schemes, absolute and protocol-relative paths', () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:x', 'http://evil/x.png', 'data:image/png;base64,AA', '/etc/passwd', '//evil/x', '\\\\server\\x', '']) {
      expect(safeRelativeHref(bad)).toBeNull();
    }
  });
});

describe('renderHtmlReport', () => {
  it('is one self-contained page: thumbnails as data URIs, full-size files linked relatively, no external URLs', async () => {
    const page = await renderHtmlReport(baseReport(), { reportDir: dir });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    // poster: source, A, B, heatmap exist → 4 thumbnails: photos as AVIF, the heatmap as WebP (thumbnails.ts)
    expect(page.match(/<image id="th\d+" width="\d+" height="\d+" href="data:image\/avif;base64,/g)).toHaveLength(3);
    expect(page.match(/<image id="th\d+" width="\d+" height="\d+" href="data:image\/webp;base64,/g)).toHaveLength(1);
    expect(page.match(/<use href="#th\d+"\/>/g)).toHaveLength(4);
    expect(page).toContain(`href="${rel('poster-A-1-1')}"`);
    expect(page).toContain(`href="${rel('heat-poster-1')}"`);
    // No <link>, no src/href pointing anywhere but data: or the report folder.
    expect(page).not.toMatch(/<link\b/);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('embeds each thumbnail once, however many pairs show it', async () => {
    const report = baseReport();
    const first = report.pairs[0];
    if (!first) throw new Error('fixture changed');
    // The same pair three times under other keys: same files, so still 4 embedded thumbnails, 12 references.
    report.pairs = [first, { ...first, key: `${first.key}-copy1` }, { ...first, key: `${first.key}-copy2` }];
    const page = await renderHtmlReport(report, { reportDir: dir });
    expect(page.match(/data:image\/(avif|webp);base64,/g)).toHaveLength(4);
    expect(page.match(/<use href="#th\d+"\/>/g)).toHaveLength(12);
    for (const [, id] of page.matchAll(/<use href="#(th\d+)"\/>/g)) expect(page).toContain(`<image id="${id}" `);
  });

  it('shows a placeholder, not a crash, for missing image files', async () => {
    const page = await renderHtmlReport(baseReport(), { reportDir: join(dir, 'nowhere') });
    expect(page).not.toMatch(/data:image\/(avif|webp)/);
    expect(page).toContain('image missing');
    expect(page).toContain('text-to-image: no source');
  });

  it('has a restrictive CSP whose hashes match the inline style and script exactly', async () => {
    const page = await renderHtmlReport(baseReport(), { reportDir: dir });
    const csp = contentSecurityPolicy();
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, '&#39;')}">`);
    expect(csp).toMatch(/^default-src 'none'; /);
    expect(csp).not.toContain('unsafe-inline');
    const style = between(page, '<style>', '</style>');
    const scripts = between(page, '<script>', '</script>');
    expect(style).toHaveLength(1);
    expect(scripts).toHaveLength(1);
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    expect(csp).toContain(`style-src ${hash(style[0] as string)}`);
    expect(csp).toContain(`script-src ${hash(scripts[0] as string)}`);
    // The inline script at least parses.
    expect(() => new Script(scripts[0] as string)).not.toThrow();
    // No inline style attributes or event handlers, which the CSP would block anyway.
    expect(page).not.toMatch(/\sstyle="/);
    expect(page).not.toMatch(/\son[a-z]+="/);
  });

  it('embeds a CJK font subset for Chinese text, allowed by the CSP by hash, and none for a page without it', async () => {
    const s = suite();
    const poster = s.cases[0];
    if (!poster) throw new Error('fixture changed');
    poster.title = '新年快乐海报';
    poster.turns = [{ prompt: '在招牌上写“新年快乐”', expectedText: ['新年快乐'] }];
    const page = await renderHtmlReport(buildReport(reportInput({ config: config({ suite: s }) })), { reportDir: dir });
    const styles = between(page, '<style>', '</style>');
    expect(styles).toHaveLength(2);
    expect(styles[1]).toMatch(/^@font-face\{font-family:"Omni Review CJK";src:url\(data:font\/woff2;base64,/);
    const hash = (x: string) => `'sha256-${createHash('sha256').update(x, 'utf8').digest('base64')}'`;
    const csp = contentSecurityPolicy(undefined, undefined, [styles[1] as string]);
    expect(csp).toContain(`style-src ${hash(styles[0] as string)} ${hash(styles[1] as string)}`);
    expect(csp).toContain('font-src data:');
    expect(page).toContain(`content="${csp.replace(/'/g, '&#39;')}"`);
    // A few kB for a handful of glyphs, not the 4 MB font.
    expect((styles[1] as string).length).toBeLessThan(20_000);
    expect(between(await renderHtmlReport(baseReport(), { reportDir: dir }), '<style>', '</style>')).toHaveLength(1);
  });

  it('shows the header facts: suite, backends with SIMULATED badge and server paths, the E2E improvement line', async () => {
    const page = await renderHtmlReport(baseReport(), { reportDir: dir });
    expect(page).toContain('demo suite');
    expect(page).toContain('http://127.0.0.1:8091');
    expect(page).toContain('SIMULATED');
    expect(page).toContain('/v1/images/generations');
    // paired means: A (300 + 500) / 2 = 400 ms, B (1200 + 1000) / 2 = 1100 ms: B / A = 2.75×, (1100 − 400) / 1100 = 63.64 %
    expect(page).toContain('<p class="headline a-faster">A 400 ms vs B 1,100 ms: A 2.75× faster (−700 ms)</p>');
    // The headline comes first and claims nothing two pairs cannot support.
    expect(page).toContain('A looks 2.75× faster end to end (p50 400 ms vs 1,100 ms), but 2 pairs are too few for an interval.');
    expect(page.indexOf('id="headline"')).toBeLessThan(page.indexOf('End-to-end latency'));
    expect(page).toContain('Improvement (B − A) / B: 64 %');
    expect(page).not.toMatch(/−\d{3,}\.\d %/);
    expect(page).toContain('CUDA out of memory');
    expect(page).toContain('expected text');
    expect(page).toContain('GRAND OPENING');
    expect(page).toContain('A dropped a letter');
  });

  it('escapes every string from prompts, backends and reviewers', async () => {
    const page = await renderHtmlReport(hostileReport(), { reportDir: dir });
    expect(page).not.toContain(XSS);
    expect(page).not.toContain('<script>alert(2)');
    // Prompt, title, expected text, tag, label, url, faults, model, paths, notes, error, verdict note/reviewer, suite.
    expect(page.split(ESCAPED_XSS).length - 1).toBeGreaterThanOrEqual(14);
    expect(page).toContain(`HTTP 500: ${ESCAPED_XSS}`);
  });

  it('keeps "</script>" in data from breaking out of the JSON block', async () => {
    const page = await renderHtmlReport(hostileReport(), { reportDir: dir });
    // Exactly our two script elements close; the payload inside the JSON cannot close one early.
    expect(page.match(/<\/script>/gi)).toHaveLength(2);
    expect(page.match(/<script\b/gi)).toHaveLength(2);
    const json = between(page, '<script type="application/json" id="pair-index">', '</script>')[0] as string;
    const index = JSON.parse(json) as Array<{ text: string }>;
    expect(index[0]?.text).toContain('</script><script>alert(2)</script>');
  });

  it('never links a tampered image path with a scheme', async () => {
    const report = baseReport();
    const poster = report.pairs[0];
    if (!poster) throw new Error('fixture changed');
    poster.A.image = 'javascript:alert(1)';
    poster.B.image = 'https://evil.example/x.png';
    const page = await renderHtmlReport(report, { reportDir: dir });
    expect(page).not.toContain('javascript:alert(1)"');
    expect(page).not.toContain('evil.example');
  });

  it('groups multi-turn chains by case and shows the previous turn as the source of turn 2', async () => {
    const page = await renderHtmlReport(baseReport(), { reportDir: dir });
    expect(page).toContain('chain · repeat 1 · 2 turns');
    expect(page).toContain('A turn 1');
    expect(page).toContain('B turn 1');
    const caseOrder = ['poster', 'chain', 'gen'].map((id) => page.indexOf(`<h2>${id}`));
    expect(caseOrder.every((i) => i > 0)).toBe(true);
    expect([...caseOrder].sort((a, b) => a - b)).toEqual(caseOrder);
  });

  it('shows the review aggregates: shares with intervals, position bias and agreement', async () => {
    const input = reportInput({
      verdicts: [
        verdict('poster', 1, 'A_better', { id: 'a1' }),
        verdict('poster', 1, 'A_better', { id: 'b1', reviewer: 'bo' }),
        verdict('chain', 1, 'B_better', { id: 'a2', blind: true, swapped: true }),
        verdict('chain', 1, 'tie', { id: 'b2', reviewer: 'bo' }),
      ],
    });
    const page = await renderHtmlReport(buildReport(input), { reportDir: dir });
    const card = page.slice(page.indexOf('id="review-stats"'));
    expect(card).toMatch(/4 judgements on 2 pairs by 2 reviewers/);
    expect(card).toContain('<th>A better</th><td>2</td><td>50 %</td><td>too few pairs for a CI</td>');
    expect(card).toContain('left side won 100 % (too few pairs for a CI) of 1');
    expect(card).not.toContain('layout may be deciding');
    // Items (A, A) and (B, tie): P̄ 0.5, p_e 0.375 → κ 0.2.
    expect(card).toContain('observed 50 % · Fleiss κ 0.20, slight');
    expect(card).toContain('Cohen ana ↔ bo: κ 0.33, fair over 2 pairs');
  });

  it('leaves the review card out until someone has judged a pair', async () => {
    const page = await renderHtmlReport(buildReport(reportInput({ verdicts: [] })), { reportDir: dir });
    expect(page).not.toContain('id="review-stats"');
  });

  it('renders an empty report without failing', async () => {
    const report = baseReport();
    report.pairs = [];
    const page = await renderHtmlReport(report, { reportDir: dir });
    expect(page).toContain('This report has no pairs.');
  });
});
