/**
 * A run folder: `run.sqlite` (metadata, versioned migrations, transactional writes) beside content-addressed
 * image files `images/<aa>/<sha256>.<ext>`, plus the reports rendered from it. Everything a run produced is
 * durable the moment the method that saved it returns, so a killed process loses nothing already saved.
 */
import type {
  Comparison,
  Dimensions,
  ImageId,
  Job,
  JobResult,
  JobStatus,
  RunConfig,
  ServerInfo,
  Side,
  Verdict,
} from '../../shared/model.ts';
import type { OcrRead } from '../../shared/ocr-read.ts';

export interface StoredImage {
  id: ImageId;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** Path relative to the run folder, POSIX separators (e.g. images/ab/ab12….png). */
  relPath: string;
}

/** An image written by stageImage: its file is under relPath, maybe not yet on disk for good nor decoded. */
export interface StagedImage extends StoredImage {
  /** Already stored and confirmed earlier (putImage or a confirmed staged result): nothing left to confirm. */
  stored: boolean;
}

export interface RunStore {
  readonly dir: string;
  readonly config: RunConfig;

  /**
   * Store bytes under their sha256 (write to a temp file, then rename), record dimensions. Idempotent. An image
   * larger than the pixel budget, or (given `requested`, a backend's output) much larger than the requested size,
   * is refused from its header with an InvalidImageError before any decode (image-limits.ts). The pixels are then
   * decoded once to refuse a truncated file, unless `options.decodeCheck` is false: only for images this process
   * encoded itself (the comparisons' heatmaps), never for bytes from a backend or a suite.
   */
  putImage(bytes: Uint8Array, requested?: Dimensions, options?: { decodeCheck?: boolean }): Promise<StoredImage>;
  /**
   * The fast way to keep a backend's output (the runner's path, issue 10): the header is checked as putImage
   * does (an InvalidImageError refuses it), and the bytes are written under their final name without waiting for
   * the disk or decoding a pixel. `stored` is true when the image was already stored (its row exists, checked and
   * durable): then saveResult may refer to it at once. Otherwise record the result with saveStagedResult and
   * confirm it with confirmStagedResult.
   */
  stageImage(bytes: Uint8Array, requested?: Dimensions): Promise<StagedImage>;
  /**
   * Record an ok result whose image is staged but not yet confirmed. It survives kill -9 (the commit is in the
   * WAL, the file in the page cache) but is not a result yet: the job stays pending for every reader (results(),
   * jobs()), and only stagedResults() and confirmStagedResult see it.
   */
  saveStagedResult(result: JobResult, image: StagedImage): void;
  /**
   * Make a staged result final: fsync the image and its folder and decode its pixels (`bytes` as received; on a
   * resume, without them, the file is read back and must hash to its id), then, in one transaction, the image row,
   * the result and the job's status, and the staged row removed. Resolves the result saved, or null when the file
   * is gone or is not what was received (a power loss before the fsync): the staged row is dropped and the job
   * stays pending (its attempt counted), to be sent again. Rejects with InvalidImageError when the pixels do not decode (the staged row
   * stays until the caller saves the job's error result with saveResult, which replaces it).
   */
  confirmStagedResult(jobId: string, bytes?: Uint8Array): Promise<JobResult | null>;
  /** Results recorded by saveStagedResult and not yet confirmed or replaced (what a killed run left). */
  stagedResults(): JobResult[];
  getImage(id: ImageId): StoredImage | undefined;
  /** Absolute path of a stored image. Throws for an unknown id. */
  imagePath(id: ImageId): string;

  /** Insert jobs that do not exist yet (by id); existing jobs are left untouched (resume). */
  addJobs(jobs: Job[]): void;
  jobs(): Job[];
  setJobStatus(id: string, status: JobStatus, attempts?: number): void;

  /**
   * Save a result (replacing an earlier one of the job, and a staged one) and set its job's status and attempts in one
   * transaction. The job status is the result's status, except that an error of kind `skipped` (a chain turn
   * after a failed turn) sets `skipped`.
   */
  saveResult(result: JobResult): void;
  results(): JobResult[];

  saveComparison(comparison: Comparison): void;
  comparisons(): Comparison[];

  /** Save what OCR read in an image for an expected text (replacing an earlier read under the same key). */
  saveOcrRead(read: OcrRead): void;
  /** Every stored OCR read (all engines), in the order they were saved. */
  ocrReads(): OcrRead[];

  saveServerInfo(side: Side, info: ServerInfo): void;
  serverInfo(side: Side): ServerInfo | null;

  addVerdict(verdict: Verdict): void;
  /** Remove a verdict (undo). Returns false when it did not exist. */
  deleteVerdict(id: string): boolean;
  verdicts(): Verdict[];

  close(): void;
}
