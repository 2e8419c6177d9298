/**
 * The scheduler's OCR reads (issue 11): every ok output whose case turn has expected text is read once by the
 * OCR engine (off the main thread: the engine runs its own worker threads), and the read is saved in the run's
 * store under (image, expected text, engine version). A resumed run, or a repeat whose output has the same
 * pixels, finds the read saved and does not read again.
 *
 * An engine that cannot load on this machine is said once (a `log` warning) and the run goes on without OCR;
 * a read that fails for one image is said for that image and tried again on resume, like a comparison.
 */
import { expectedTextOf, ocrReadKey, type OcrLine, type OcrRead } from '../../shared/ocr-read.ts';
import type { SuiteCase } from '../../shared/model.ts';
import type { RunStore } from '../store/types.ts';
import type { RunEvent } from './events.ts';
import type { JobState } from './job-states.ts';
import { errorMessage } from './send.ts';

/** What the runner needs from an OCR engine (core/ocr adapts the engine to it; tests pass a double). */
export interface OcrReader {
  /** Engine name and version: part of the key a read is stored under, so a new engine version reads again. */
  readonly engine: string;
  /** Read the text of one image file; `expected` lets an engine re-read the regions where text should be. */
  read(imagePath: string, expected: string): Promise<{ lines: OcrLine[]; width: number; height: number; ms: number }>;
  /** True for the error of an engine that cannot run on this machine at all (missing model, no runtime). */
  isUnavailable(error: unknown): boolean;
}

export interface OcrReadsOptions {
  store: RunStore;
  /** null: OCR is off for this session (`--ocr off`, the app's setting). */
  reader: OcrReader | null;
  cases: ReadonlyMap<string, SuiteCase>;
  /** Reads handed to the engine at once (the engine queues more itself). */
  concurrency: number;
  emit: (event: RunEvent) => void;
}

interface Wanted {
  key: string;
  imageId: string;
  expected: string;
  /** The job whose output it is, for messages. */
  jobId: string;
}

export class OcrReads {
  /** Keys of reads saved in the store (all sessions) or in flight in this one. */
  private readonly known = new Set<string>();
  private readonly queue: Wanted[] = [];
  private running = 0;
  private unavailable = false;
  /** Reads finished (saved or failed) in this session: their rate feeds the ETA. */
  finishedHere = 0;
  /** Reads that failed in this session (read again on resume). */
  failed = 0;
  /** Reads of this run's outputs saved (earlier sessions' included), for the progress line. */
  saved = 0;
  private readonly options: OcrReadsOptions;

  constructor(options: OcrReadsOptions) {
    this.options = options;
    if (!options.reader) return;
    for (const r of options.store.ocrReads()) {
      if (r.engine === options.reader.engine) this.known.add(ocrReadKey(r.imageId, r.expected, r.engine));
    }
    this.saved = this.known.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Progress for the contract's RunProgress.ocr; null when OCR is off or the engine could not load. */
  progress(): { total: number; done: number } | null {
    if (!this.options.reader || this.unavailable) return null;
    return { total: this.saved + this.remaining, done: this.saved };
  }

  /** Reads queued or in flight. */
  get remaining(): number {
    return this.queue.length + this.running;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Queue a side's output once it is ok, unless its turn has no expected text or it was read already. */
  offer(state: JobState): void {
    const { reader } = this.options;
    if (!reader || this.unavailable) return;
    const imageId = state.result?.status === 'ok' ? state.result.imageId : undefined;
    if (state.status !== 'ok' || !imageId) return;
    const turn = this.options.cases.get(state.job.caseId)?.turns[state.job.turn - 1];
    const expected = expectedTextOf(turn?.expectedText ?? []);
    if (expected === '') return;
    const key = ocrReadKey(imageId, expected, reader.engine);
    if (this.known.has(key)) return;
    this.known.add(key);
    this.queue.push({ key, imageId, expected, jobId: state.job.id });
  }

  /** Start queued reads while there is room; each promise settles once its read is saved or has failed. */
  startReady(): Promise<void>[] {
    const started: Promise<void>[] = [];
    while (!this.unavailable && this.running < this.options.concurrency && this.queue.length > 0) {
      const wanted = this.queue.shift() as Wanted;
      this.running++;
      started.push(
        this.read(wanted).finally(() => {
          this.running--;
          this.finishedHere++;
        }),
      );
    }
    return started;
  }

  private async read(wanted: Wanted): Promise<void> {
    const { store, emit } = this.options;
    const reader = this.options.reader as OcrReader;
    let out: Awaited<ReturnType<OcrReader['read']>>;
    try {
      out = await reader.read(store.imagePath(wanted.imageId), wanted.expected);
    } catch (error) {
      this.known.delete(wanted.key);
      if (reader.isUnavailable(error)) {
        if (!this.unavailable) {
          this.unavailable = true;
          // Said once; what is queued is dropped: every read would fail the same way.
          const dropped = this.queue.length + 1;
          this.queue.length = 0;
          emit({
            type: 'log',
            level: 'warn',
            message: `OCR is not available on this machine (${errorMessage(error)}): the run goes on without text checks (${dropped} output(s) not read; resume on a machine where it loads to read them, or pass --ocr off to skip it)`,
          });
        }
        return;
      }
      this.failed++;
      emit({ type: 'log', level: 'warn', message: `OCR of ${wanted.jobId} failed: ${errorMessage(error)} (it is read again on resume)` });
      return;
    }
    const read: OcrRead = {
      imageId: wanted.imageId,
      expected: wanted.expected,
      engine: reader.engine,
      lines: out.lines,
      width: out.width,
      height: out.height,
      ms: out.ms,
    };
    // A store error (disk full) propagates: the scheduler stops the run as for any result it cannot save.
    store.saveOcrRead(read);
    this.saved++;
    emit({ type: 'ocr-done', jobId: wanted.jobId, imageId: wanted.imageId });
  }
}
