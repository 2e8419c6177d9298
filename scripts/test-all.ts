/**
 * `npm test`: every part of the test suite, each run to the end even when an earlier one failed, then one summary
 * line per part and a non-zero exit when any failed. A chain of `&&` stopped at the first failure, so a lint error
 * hid whether the unit and Python tests passed at all (issue 9, finding 8).
 *
 * Parts, in order: typecheck (tsc -b), lint (eslint), check:cycles (madge: no import cycles), unit (vitest: unit and integration tests), py (the baseline's
 * unittest). Each is the npm script of the same name, so it can also be run alone. `-- --only unit,py` runs some.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Step {
  name: string;
  command: string;
  args: readonly string[];
}

export interface StepResult {
  name: string;
  ok: boolean;
  /** Exit code, or the signal that ended it. */
  exit: string;
  seconds: number;
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export const STEPS: readonly Step[] = [
  { name: 'typecheck', command: NPM, args: ['run', '-s', 'typecheck'] },
  { name: 'lint', command: NPM, args: ['run', '-s', 'lint'] },
  { name: 'check:cycles', command: NPM, args: ['run', '-s', 'check:cycles'] },
  { name: 'unit', command: NPM, args: ['run', '-s', 'test:unit'] },
  { name: 'py', command: NPM, args: ['run', '-s', 'test:py'] },
];

function runStep(step: Step, cwd: string): Promise<StepResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, { cwd, stdio: 'inherit' });
    const done = (ok: boolean, exit: string) => resolve({ name: step.name, ok, exit, seconds: (performance.now() - started) / 1000 });
    child.on('error', (err) => done(false, `could not start: ${err.message}`));
    child.on('exit', (code, signal) => done(code === 0, signal ? `signal ${signal}` : `exit ${code}`));
  });
}

/** Run every step in order, whatever the earlier ones did. */
export async function runSteps(steps: readonly Step[], cwd: string, log: (line: string) => void): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    log(`\n▶ ${step.name}: ${[step.command, ...step.args].join(' ')}`);
    results.push(await runStep(step, cwd));
  }
  return results;
}

export function summaryLines(results: readonly StepResult[]): string[] {
  const failed = results.filter((r) => !r.ok);
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  return [
    '',
    'npm test summary:',
    ...results.map((r) => `  ${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(10)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.ok ? '' : r.exit}`.trimEnd()),
    failed.length === 0
      ? `all ${results.length} parts passed in ${total.toFixed(1)} s`
      : `${failed.length} of ${results.length} parts failed: ${failed.map((r) => r.name).join(', ')} (${total.toFixed(1)} s)`,
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : null;
  const unknown = only?.filter((n) => !STEPS.some((s) => s.name === n)) ?? [];
  if (unknown.length || (only && only.length === 0)) {
    process.stderr.write(`test-all: --only takes a comma-separated list of ${STEPS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const steps = only ? STEPS.filter((s) => only.includes(s.name)) : STEPS;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const results = await runSteps(steps, root, (line) => process.stdout.write(`${line}\n`));
  for (const line of summaryLines(results)) process.stdout.write(`${line}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
