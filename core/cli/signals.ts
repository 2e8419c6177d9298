/** How the CLI's commands stop: on a signal, and with which exit code when a run or a sweep ends early. */
import { BackendUnavailableError } from '../engine/errors.ts';

/** Long-running commands (serve, sim) run until Ctrl-C or a SIGTERM from a supervisor. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Ctrl-C or SIGTERM while `run` or `sweep` sends requests: the first one logs `stopping` and aborts `signal`, so
 * the command saves what it has and writes the partial report; a second one quits at once (exit 130), where
 * everything already saved stays saved (each result is committed on its own) and --resume picks up from there.
 * dispose() removes the handlers.
 */
export function interruptOnSignals(log: (line: string) => void, stopping: (signal: NodeJS.Signals) => string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) {
      log(stopping(signal));
      controller.abort(new Error(`interrupted by ${signal}`));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The exit code of a `run` or `sweep` that ended early in a way the user can act on, with its line on stderr:
 * 3 when a server could not be reached (the folder is kept, and --resume continues once it is up), 130 when it
 * was stopped by a signal. null for any other error, which the caller handles or rethrows.
 */
export function stoppedExitCode(
  err: unknown,
  interrupted: AbortSignal,
  stderr: { write(text: string): unknown },
  o: { folder: 'run' | 'sweep'; resumeHint: string; stopped: string },
): 3 | 130 | null {
  if (err instanceof BackendUnavailableError) {
    stderr.write(`error: ${err.message}\n  the ${o.folder} folder is kept: once the server is up, continue with: ${o.resumeHint}\n`);
    return 3;
  }
  if (interrupted.aborted) {
    stderr.write(`${o.stopped}; continue with: ${o.resumeHint}\n`);
    return 130;
  }
  return null;
}
