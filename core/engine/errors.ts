/** The errors of creating and executing a run that callers map to their own answers. */

/** Bad settings a person can fix (exit code 2 in the CLI, a `bad-request` in the UI). */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

/** A backend that never became healthy or could not be reached (exit code 3 in the CLI). */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}
