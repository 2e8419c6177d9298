/** Worker thread of load-off-thread.ts: runs the suite loader and posts back the result or the SuiteError's issues. */
import { parentPort } from 'node:worker_threads';
import { loadSuiteFile, parseSuiteText, SuiteError } from './load.ts';
import type { SuiteJob, SuiteReply } from './load-off-thread.ts';

if (!parentPort) throw new Error('core/suite/suite-worker.ts runs as a worker thread started by load-off-thread.ts');
const port = parentPort;

port.on('message', (job: SuiteJob) => {
  const work = job.kind === 'file' ? loadSuiteFile(job.file) : parseSuiteText(job.text, job.options);
  work.then(
    (loaded) => port.postMessage({ id: job.id, ok: true, loaded } satisfies SuiteReply),
    (error: unknown) =>
      port.postMessage({
        id: job.id,
        ok: false,
        issues: error instanceof SuiteError ? [...error.errors] : null,
        message: error instanceof Error ? error.message : String(error),
      } satisfies SuiteReply),
  );
});
