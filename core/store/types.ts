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

export interface StoredImage {
  id: ImageId;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** Path relative to the run folder, POSIX separators (e.g. images/ab/ab12….png). */
  relPath: string;
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
  getImage(id: ImageId): StoredImage | undefined;
  /** Absolute path of a stored image. Throws for an unknown id. */
  imagePath(id: ImageId): string;

  /** Insert jobs that do not exist yet (by id); existing jobs are left untouched (resume). */
  addJobs(jobs: Job[]): void;
  jobs(): Job[];
  setJobStatus(id: string, status: JobStatus, attempts?: number): void;

  /**
   * Save a result (replacing an earlier one of the job) and set its job's status and attempts in one
   * transaction. The job status is the result's status, except that an error of kind `skipped` (a chain turn
   * after a failed turn) sets `skipped`.
   */
  saveResult(result: JobResult): void;
  results(): JobResult[];

  saveComparison(comparison: Comparison): void;
  comparisons(): Comparison[];

  saveServerInfo(side: Side, info: ServerInfo): void;
  serverInfo(side: Side): ServerInfo | null;

  addVerdict(verdict: Verdict): void;
  /** Remove a verdict (undo). Returns false when it did not exist. */
  deleteVerdict(id: string): boolean;
  verdicts(): Verdict[];

  close(): void;
}
