/**
 * Issue 9, finding 7: `--help` cost 1.2 CPU-seconds because every subcommand, and with it the whole engine, was
 * loaded before the arguments were read. This checks what is loaded (not how long it takes; `npm run bench --
 * --only cli` measures that): --help, --version and a bad flag load neither the engine, zod, sharp nor SQLite.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Run main(args) in a fresh Node that records every module URL it loads. */
function loadedBy(args: readonly string[]): Promise<{ code: number; urls: string[] }> {
  const script = `
    import { registerHooks } from 'node:module';
    const urls = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.push(r.url); return r; } });
    const { main } = await import(${JSON.stringify(MAIN)});
    const sink = { write() { return true; } };
    const code = await main(${JSON.stringify(args)}, { stdout: sink, stderr: sink });
    process.stdout.write(JSON.stringify({ code, urls }));
    process.exit(0);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as { code: number; urls: string[] });
      } catch {
        reject(new Error(`the child reported nothing: ${err}`));
      }
    });
  });
}

// core/engine/errors.ts and core/store/store-error.ts are exempt: main.ts checks for RunInputError and StoreError,
// classes in files with no imports.
const HEAVY = [/\/core\/(engine\/(?!errors\.ts$)|runner\/|runs\/|store\/(?!store-error\.ts$)|backends\/(?!sim\/defaults)|app\/|host\/|compare\/|reports\/)/, /\/node_modules\/(zod|sharp|yaml)\//, /node:sqlite/, /\/cli\/(run|serve|sim|report)-command\.ts$/];

describe('the CLI loads subcommands lazily', () => {
  for (const [args, code] of [[['--help'], 0], [['--version'], 0], [['--no-such-flag'], 2], [['run', '--help'], 0]] as const) {
    it(`${args.join(' ')} answers (exit ${code}) without loading the engine`, async () => {
      const r = await loadedBy(args);
      expect(r.code).toBe(code);
      expect(r.urls.some((u) => u.endsWith('/core/cli/main.ts'))).toBe(true);
      expect(r.urls.filter((u) => HEAVY.some((h) => h.test(u)))).toEqual([]);
    });
  }

  it('still loads the subcommand when one runs', async () => {
    const r = await loadedBy(['report', '/nonexistent/omni-review-report.json']);
    expect(r.code).toBe(2);
    expect(r.urls.some((u) => u.endsWith('/core/cli/report-command.ts'))).toBe(true);
  });
});
