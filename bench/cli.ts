/**
 * CLI figures: how soon `--help`, `--version` and a mistyped flag are answered, measured from the project's own start
 * (the first line of our code, after Node's bootstrap) to the answer, in child processes. The alternative is the
 * same call with every subcommand's module loaded first, which is what the CLI did before it loaded them lazily
 * (issue 9: 1.2 CPU-seconds for --help). Also the whole `node bin/omni-review.mjs --help` process, wall clock.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { figure, log, type Measurement } from './measure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../core/cli/main.ts', import.meta.url));
const COMMANDS = ['run-command.ts', 'serve-command.ts', 'sim-command.ts', 'report-command.ts'].map((f) =>
  fileURLToPath(new URL(`../core/cli/${f}`, import.meta.url)),
);

interface Probe {
  wallMs: number;
  cpuMs: number;
  code: number;
}

function run(args: readonly string[]): Promise<{ stderr: string; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', () => resolve({ stderr, wallMs: performance.now() - t0 }));
  });
}

/** One call in a fresh Node: wall and CPU from our first line to main()'s answer. */
async function probe(flag: string, eager: boolean): Promise<Probe> {
  const script = `
    const t0 = performance.now(); const c0 = process.cpuUsage();
    ${eager ? COMMANDS.map((f) => `await import(${JSON.stringify(f)});`).join(' ') : ''}
    const { main } = await import(${JSON.stringify(MAIN)});
    const sink = { write() { return true; } };
    const code = await main([${JSON.stringify(flag)}], { stdout: sink, stderr: sink });
    const c = process.cpuUsage(c0);
    process.stderr.write('PROBE ' + JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, code }) + '\\n');
    process.exit(0);`;
  const { stderr } = await run(['--input-type=module', '-e', script]);
  const line = /PROBE (.*)/.exec(stderr);
  if (!line?.[1]) throw new Error(`bench cli: the probe for ${flag} reported nothing:\n${stderr}`);
  return JSON.parse(line[1]) as Probe;
}

export async function cliFigures(quick: boolean): Promise<Measurement[]> {
  const n = quick ? 3 : 8;
  const out: Measurement[] = [];
  for (const flag of ['--help', '--version', '--no-such-flag']) {
    log(`cli ${flag} ×${n} (lazy, as shipped) and ×${n} (every subcommand loaded first, as before)`);
    const lazy: Probe[] = [];
    const eager: Probe[] = [];
    for (let i = 0; i < n; i++) {
      lazy.push(await probe(flag, false));
      eager.push(await probe(flag, true));
    }
    const m: Measurement = {
      ...figure(`omni-review ${flag}: our first line → answer (wall)`, 'ms', lazy.map((p) => p.wallMs)),
      alternative: { ...figure('same with every subcommand loaded first (before lazy loading)', 'ms', eager.map((p) => p.wallMs)), label: 'eager' },
      breakdown: {
        cpu: figure('CPU time, lazy', 'ms', lazy.map((p) => p.cpuMs)),
        cpuEager: figure('CPU time, eager', 'ms', eager.map((p) => p.cpuMs)),
      },
      target: { p95Max: 300, description: 'answered within 0.3 s of our own start' },
      pass: false,
      notes: `exit codes ${[...new Set(lazy.map((p) => p.code))].join(',')}. About 200 ms of it is Node loading its TypeScript stripper for the first .ts file; a busy machine stretches the wall figure, the CPU figure much less.`,
    };
    m.pass = m.p95 !== null && m.p95 <= 300;
    out.push(m);
  }
  const whole: number[] = [];
  for (let i = 0; i < n; i++) whole.push((await run([fileURLToPath(new URL('../bin/omni-review.mjs', import.meta.url)), '--help'])).wallMs);
  out.push({ ...figure('node bin/omni-review.mjs --help, whole process (wall, Node bootstrap included)', 'ms', whole), notes: 'spawn to exit.' });
  return out;
}
