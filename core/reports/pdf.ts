/**
 * report.pdf from report.html, through a Chromium found on the machine (issue 13: `omni-review report DIR --pdf`).
 *
 * Why spawning the browser's own `--print-to-pdf` rather than a driver library: it is one documented flag of every
 * Chromium and Chrome since headless came in, it needs no runtime dependency (playwright-core is only a dev
 * dependency here, and would add ~8 MB to the CLI for one call), and it prints after the page's load event, when
 * every image of the self-contained report (data: URIs, no lazy loading) has been decoded. The Electron app prints
 * the same HTML with webContents.printToPDF instead (electron/main/print-pdf.ts).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Environment variable naming the browser binary to print with. */
export const CHROMIUM_ENV = 'OMNI_REVIEW_CHROMIUM';
/** Where Debian, Ubuntu and Google's packages put the binary. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'] as const;
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'] as const;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface FindChromiumOptions {
  /** --chromium PATH from the command line: used as given, or an error when it is not an executable file. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  isExecutable?: (path: string) => boolean;
}

export type ChromiumLookup = { path: string; from: 'flag' | 'env' | 'known path' | 'PATH' } | { path: null; problem: string };

/** The browser to print with: --chromium, then $OMNI_REVIEW_CHROMIUM, then the usual install paths, then $PATH. */
export function findChromium(options: FindChromiumOptions = {}): ChromiumLookup {
  const env = options.env ?? process.env;
  const isExec = options.isExecutable ?? executable;
  if (options.flag !== undefined) {
    const p = resolve(options.flag);
    return isExec(p) ? { path: p, from: 'flag' } : { path: null, problem: `--chromium ${options.flag}: not an executable file` };
  }
  const fromEnv = env[CHROMIUM_ENV];
  if (fromEnv) {
    const p = resolve(fromEnv);
    return isExec(p) ? { path: p, from: 'env' } : { path: null, problem: `${CHROMIUM_ENV}=${fromEnv}: not an executable file` };
  }
  for (const p of CHROMIUM_PATHS) if (isExec(p)) return { path: p, from: 'known path' };
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== '' && isAbsolute(d))) {
    for (const name of CHROMIUM_NAMES) {
      const p = join(dir, name);
      if (isExec(p)) return { path: p, from: 'PATH' };
    }
  }
  return {
    path: null,
    problem: `--pdf needs Chromium or Chrome and none was found (looked at ${CHROMIUM_PATHS.join(', ')} and $PATH); install one (Debian: apt-get install chromium) or pass --chromium PATH / set ${CHROMIUM_ENV}`,
  };
}

/** Flags for a one-shot, offline, headless print (the project's Chromium rules: docs/reports.md). */
export function printArgs(htmlPath: string, pdfPath: string, profileDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-extensions',
    '--no-pdf-header-footer',
    '--run-all-compositor-stages-before-draw',
    `--user-data-dir=${profileDir}`,
    `--print-to-pdf=${pdfPath}`,
    pathToFileURL(htmlPath).href,
  ];
}

export interface PrintOptions {
  timeoutMs?: number;
}

/**
 * Print `htmlPath` to `pdfPath` with the browser at `chromium`. Written to a temporary name beside the target and
 * renamed once it is a whole PDF, so a failed print never leaves a truncated report.pdf over a good one.
 */
export async function printHtmlToPdf(chromium: string, htmlPath: string, pdfPath: string, options: PrintOptions = {}): Promise<void> {
  const profile = await mkdtemp(join(tmpdir(), 'omni-review-pdf-'));
  const partial = join(dirname(pdfPath), `.${Date.now()}-${process.pid}.report.pdf.partial`);
  try {
    await new Promise<void>((done, fail) => {
      execFile(chromium, printArgs(resolve(htmlPath), partial, profile), { timeout: options.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) {
          const last = String(stderr).trim().split('\n').filter(Boolean).at(-1) ?? '';
          fail(new Error(`${chromium} could not print ${htmlPath}: ${err.killed ? 'timed out' : err.message.split('\n')[0]}${last ? ` (${last.slice(0, 300)})` : ''}`, { cause: err }));
        } else done();
      });
    });
    const head = Buffer.alloc(5);
    const file = await open(partial, 'r').catch(() => null);
    if (!file) throw new Error(`${chromium} exited without writing a PDF for ${htmlPath}`);
    try {
      await file.read(head, 0, 5, 0);
    } finally {
      await file.close();
    }
    if (head.toString('latin1') !== '%PDF-') throw new Error(`${chromium} wrote something that is not a PDF for ${htmlPath}`);
    await rename(partial, pdfPath);
  } finally {
    await rm(partial, { force: true });
    await rm(profile, { recursive: true, force: true });
  }
}
