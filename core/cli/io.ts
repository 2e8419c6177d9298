/** The streams a CLI command writes to (process.stdout/stderr, or captured ones in tests). */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}
