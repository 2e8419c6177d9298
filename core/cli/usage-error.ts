/** A bad command-line value or combination: `omni-review` prints its message in one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
