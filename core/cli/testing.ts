/**
 * Test support (never imported by the CLI itself): the CLI run in-process with its output captured, for the
 * integration tests that check exit codes and the one-line messages. A test's `vi.mock` of a module the engine
 * uses applies here too, since this imports the same module graph.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './io.ts';
import { main } from './main.ts';

export type CapturedStream = NodeJS.WriteStream & { text: () => string };

/** A non-TTY stream that keeps what is written to it. */
export function memoryStream(): CapturedStream {
  let buffer = '';
  return {
    isTTY: false,
    write(chunk: string | Uint8Array) {
      buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    },
    text: () => buffer,
  } as unknown as CapturedStream;
}

/** `omni-review ...args` in-process: its exit code and everything it wrote. */
export async function runCliInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await main(args, { stdout, stderr } satisfies CliIo);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/omni-review.mjs', import.meta.url));

export interface CliChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as a child process on the pinned Node (what a user's shell runs), from the repository root with
 * `workspace` as its workspace: for tests where the process itself is the point (exit codes, stderr, kill -9 by
 * the pid handed to `onSpawn`; `onStdout` sees its output as it comes).
 */
export function runCliChild(
  args: readonly string[],
  options: { workspace: string; onSpawn?: (pid: number) => void; onStdout?: (textSoFar: string) => void },
): Promise<CliChildResult> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, OMNI_REVIEW_WORKSPACE: options.workspace } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      options.onStdout?.(stdout);
    });
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.on('error', fail);
    p.on('exit', (code, signal) => done({ code, signal, stdout, stderr }));
    if (p.pid !== undefined) options.onSpawn?.(p.pid);
  });
}
