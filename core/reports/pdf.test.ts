import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ENV, findChromium, printArgs, printHtmlToPdf } from './pdf.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-pdf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findChromium', () => {
  const only = (...paths: string[]) => (p: string) => paths.includes(p);

  it('takes --chromium first, then the environment variable, then the known paths, then $PATH', () => {
    expect(findChromium({ flag: '/opt/c/chrome', env: { [CHROMIUM_ENV]: '/usr/bin/chromium' }, isExecutable: only('/opt/c/chrome', '/usr/bin/chromium') })).toEqual({ path: '/opt/c/chrome', from: 'flag' });
    expect(findChromium({ env: { [CHROMIUM_ENV]: '/opt/x/chromium' }, isExecutable: only('/opt/x/chromium', '/usr/bin/chromium') })).toEqual({ path: '/opt/x/chromium', from: 'env' });
    expect(findChromium({ env: {}, isExecutable: only('/usr/bin/google-chrome') })).toEqual({ path: '/usr/bin/google-chrome', from: 'known path' });
    expect(findChromium({ env: { PATH: '/home/u/bin:relative/bin' }, isExecutable: only('/home/u/bin/chromium-browser', 'relative/bin/chromium') })).toEqual({ path: '/home/u/bin/chromium-browser', from: 'PATH' });
  });

  it('says in one line what is missing and what to do', () => {
    const none = findChromium({ env: { PATH: '/nowhere' }, isExecutable: () => false });
    expect(none.path).toBeNull();
    if (none.path === null) {
      expect(none.problem).not.toContain('\n');
      expect(none.problem).toMatch(/--pdf needs Chromium or Chrome and none was found .*apt-get install chromium.*--chromium PATH.*OMNI_REVIEW_CHROMIUM/);
    }
    const badFlag = findChromium({ flag: '/nope', isExecutable: () => false });
    expect(badFlag).toEqual({ path: null, problem: '--chromium /nope: not an executable file' });
  });

  it('prints offline and headless, without header or footer', () => {
    const args = printArgs('/r/report.html', '/r/report.pdf', '/tmp/p');
    expect(args).toEqual(expect.arrayContaining(['--headless', '--no-sandbox', '--disable-background-networking', '--no-pdf-header-footer', '--print-to-pdf=/r/report.pdf', '--user-data-dir=/tmp/p']));
    expect(args.at(-1)).toBe('file:///r/report.html');
  });
});

const chromium = findChromium();
describe('printHtmlToPdf', () => {
  it.skipIf(chromium.path === null)('prints a page with an image to a PDF and leaves no temporary file', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const html = join(dir, 'page.html');
    await writeFile(html, `<!doctype html><meta charset="utf-8"><h1>Omni Review</h1><img src="data:image/png;base64,${png}" width="50" height="50">`);
    const pdf = join(dir, 'report.pdf');
    await printHtmlToPdf(chromium.path as string, html, pdf);
    const bytes = await readFile(pdf);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  }, 120_000);

  it.skipIf(chromium.path === null)('fails with the browser and the page named when the browser cannot print, keeping the old PDF', async () => {
    const pdf = join(dir, 'kept.pdf');
    await writeFile(pdf, '%PDF-old');
    await expect(printHtmlToPdf('/bin/false', join(dir, 'page.html'), pdf)).rejects.toThrow(/\/bin\/false could not print .*page\.html/);
    expect(await readFile(pdf, 'utf8')).toBe('%PDF-old');
    expect(existsSync(pdf)).toBe(true);
  });

  if (chromium.path === null) it('is skipped: no Chromium on this machine', () => console.warn(`skipped PDF printing: ${chromium.problem}`));
});
