/**
 * Test support (never imported by the CLI itself): the CLI run in-process with its output captured, for the
 * integration tests that check exit codes and the one-line messages. A test's `vi.mock` of a module the engine
 * uses applies here too, since this imports the same module graph.
 */
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
