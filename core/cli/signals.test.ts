import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../engine/errors.ts';
import { interruptOnSignals, stoppedExitCode } from './signals.ts';

function stderr(): { write(text: string): void; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

describe('interruptOnSignals', () => {
  const disposers: Array<() => void> = [];
  afterEach(() => {
    for (const d of disposers.splice(0)) d();
  });

  it('the first SIGINT logs the stopping line and aborts the signal; dispose() removes the handlers', () => {
    const before = process.listenerCount('SIGINT');
    const lines: string[] = [];
    const interrupt = interruptOnSignals((l) => lines.push(l), (signal) => `${signal}: stopping`);
    disposers.push(() => interrupt.dispose());
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    expect(process.listenerCount('SIGTERM')).toBeGreaterThanOrEqual(1);
    expect(interrupt.signal.aborted).toBe(false);
    process.emit('SIGINT', 'SIGINT');
    expect(lines).toEqual(['SIGINT: stopping']);
    expect(interrupt.signal.aborted).toBe(true);
    expect(String(interrupt.signal.reason)).toMatch(/interrupted by SIGINT/);
    interrupt.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('stoppedExitCode', () => {
  const hint = 'npx omni-review sweep --resume out/x';

  it('is 3 with a resume line when a server could not be reached', () => {
    const err = stderr();
    const code = stoppedExitCode(new BackendUnavailableError('A: no server at http://127.0.0.1:1'), new AbortController().signal, err, { folder: 'sweep', resumeHint: hint, stopped: 'stopped' });
    expect(code).toBe(3);
    expect(err.text).toBe(`error: A: no server at http://127.0.0.1:1\n  the sweep folder is kept: once the server is up, continue with: ${hint}\n`);
  });

  it('is 130 when the command was interrupted, and null for any other error', () => {
    const aborted = new AbortController();
    aborted.abort();
    const err = stderr();
    expect(stoppedExitCode(new Error('x'), aborted.signal, err, { folder: 'run', resumeHint: hint, stopped: 'stopped before the run started' })).toBe(130);
    expect(err.text).toBe(`stopped before the run started; continue with: ${hint}\n`);
    const quiet = stderr();
    expect(stoppedExitCode(new Error('disk full'), new AbortController().signal, quiet, { folder: 'run', resumeHint: hint, stopped: 'stopped' })).toBeNull();
    expect(quiet.text).toBe('');
  });
});
