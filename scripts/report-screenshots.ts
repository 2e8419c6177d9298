/**
 * `node scripts/report-screenshots.ts <run folder> [workspace]`: the docs' screenshots of issue 13's reports at
 * 1440×900, taken with Debian's Chromium (CHROMIUM_PATH) from a finished demo run whose folder already holds
 * report.html, report.md and report.pdf (`omni-review report DIR --pdf`):
 *   - report.html's top (headline and per-category table) and a Chinese case further down;
 *   - report.md rendered as Markdown (marked, a GitHub-like page);
 *   - the app's Summary screen, through `omni-review serve --open-run DIR`;
 *   - report.pdf pages as PNG (pdftoppm -png -r 60).
 * Each PNG is re-encoded as a palette PNG (sharp) to keep the repository small. Writes docs/screenshots/report-*.png.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { marked } from 'marked';
import { compressScreenshot } from './palette-png.ts';

const [runArg, workspaceArg] = process.argv.slice(2);
if (!runArg) throw new Error('usage: node scripts/report-screenshots.ts <run folder> [workspace]');
const runDir = resolve(runArg);
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const bin = fileURLToPath(new URL('../bin/omni-review.mjs', import.meta.url));
const workspace = workspaceArg ?? mkdtempSync(join(tmpdir(), 'omni-shots-'));
const runId = (JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { run: { id: string } }).run.id;

const shots: string[] = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  // report.html: the top of the page, then the first Chinese case.
  const report = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await report.goto(pathToFileURL(join(runDir, 'report.html')).href);
  await report.screenshot({ path: join(out, 'report-html-top.png') });
  shots.push('report-html-top.png');
  const zh = report.locator('section.case', { hasText: 'zh-couplets-brick' });
  await zh.scrollIntoViewIfNeeded();
  await zh.screenshot({ path: join(out, 'report-html-chinese.png') });
  shots.push('report-html-chinese.png');

  // report.md rendered the way a Markdown viewer shows it, images resolving beside the file.
  const md = readFileSync(join(runDir, 'report.md'), 'utf8');
  const page = `<!doctype html><meta charset="utf-8"><base href="${pathToFileURL(`${runDir}/`).href}"><style>
body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px 32px;color:#1f2328}
table{border-collapse:collapse;margin:8px 0;font-size:12px}th,td{border:1px solid #d0d7de;padding:3px 8px}tr:nth-child(2n){background:#f6f8fa}
blockquote{color:#59636e;border-left:4px solid #d0d7de;margin:0;padding:0 12px}code{background:#eff1f3;padding:1px 4px;border-radius:4px}h1,h2{border-bottom:1px solid #d8dee4;padding-bottom:4px}
</style><body>${await marked.parse(md, { gfm: true })}</body>`;
  const mdPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await mdPage.setContent(page, { waitUntil: 'load' });
  await mdPage.screenshot({ path: join(out, 'report-md.png') });
  shots.push('report-md.png');

  // The app's Summary screen.
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--workspace', workspace, '--open-run', runDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((done) => {
      let buf = '';
      server.stdout!.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(buf);
        if (m) done(m[1]!);
      });
    });
    const app = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await app.goto(url);
    await app.getByTestId('app').waitFor();
    // A fresh workspace asks for a reviewer name once the engine has answered.
    const asked = await app
      .getByTestId('reviewer-prompt')
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (asked) {
      await app.getByTestId('reviewer-input').fill('docs');
      await app.getByTestId('reviewer-prompt').getByTestId('blind-default').setChecked(false);
      await app.getByTestId('reviewer-prompt').getByTestId('reviewer-save').click();
    }
    await app.getByTestId('nav-runs').click();
    await app.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).getByTestId('run-open').click();
    await app.getByTestId('review-page').waitFor();
    await app.getByTestId('nav-summary').click();
    await app.getByTestId('summary-table').waitFor({ timeout: 60_000 });
    await app.screenshot({ path: join(out, 'report-summary-screen.png') });
    shots.push('report-summary-screen.png');
  } finally {
    if (server.pid !== undefined) process.kill(server.pid, 'SIGTERM');
  }
} finally {
  await browser.close();
}

// report.pdf → PNG pages; keep the first page and the first page with a Chinese case.
const pdfDir = mkdtempSync(join(tmpdir(), 'omni-pdf-png-'));
try {
  execFileSync('pdftoppm', ['-png', '-r', '60', join(runDir, 'report.pdf'), join(pdfDir, 'page')]);
  const pages = readdirSync(pdfDir).sort();
  const text = (n: number) => execFileSync('pdftotext', ['-f', String(n), '-l', String(n), join(runDir, 'report.pdf'), '-'], { encoding: 'utf8' });
  const zhPage = pages.findIndex((_, i) => text(i + 1).includes('zh-couplets-brick'));
  for (const [name, index] of [['report-pdf-page-1.png', 0], ['report-pdf-page-chinese.png', zhPage]] as const) {
    if (index < 0) continue;
    writeFileSync(join(out, name), readFileSync(join(pdfDir, pages[index]!)));
    shots.push(name);
  }
} finally {
  rmSync(pdfDir, { recursive: true, force: true });
}
for (const name of shots) await compressScreenshot(join(out, name));
console.log(shots.map((s) => `docs/screenshots/${s}`).join('\n'));
