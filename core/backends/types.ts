/**
 * The seam between the runner and the serving stacks. One adapter per protocol (vllm-omni, diffusers);
 * the simulators speak the same protocols, so the runner never knows whether a backend is real.
 */
import type { BackendKind, JobError, ServerInfo } from '../../shared/model.ts';

export interface InputImage {
  bytes: Uint8Array;
  /** e.g. image/png */
  mime: string;
  /** File name sent in multipart uploads, e.g. "input-0.png". */
  name: string;
}

/** One single-turn request. Multi-turn chains are sequences of these (turn N+1's image is turn N's output). */
export interface ImageRequest {
  prompt: string;
  negativePrompt?: string;
  seed: number;
  steps: number;
  trueCfgScale?: number;
  /** Always explicit "WxH": never let a server pick "auto". */
  size: string;
  /** Empty → text-to-image (generation); otherwise an edit of these images, in order. */
  images: InputImage[];
  /** Images per request (`n`; `num_outputs_per_prompt` on the chat path). Default 1; sweeps vary it. */
  n?: number;
}

export interface ImageResponse {
  /** Encoded image bytes exactly as the server returned them. */
  image: Uint8Array;
  mime: string;
  /**
   * Canonical stage → ms: the server's stages mapped by shared/stages.ts plus client-measured `upload` and
   * `download`. A server-reported queue wait (the baseline's `queue_wait`) arrives as `queue`; the runner adds
   * its own wait for a concurrency slot to it, so `queue` is all the time the request spent waiting.
   */
  stages: Record<string, number>;
  /** Client wall clock from the first byte sent to the image bytes in hand, ms. */
  e2eMs: number;
  serverStageDurations?: Record<string, number>;
  serverTimings?: Record<string, unknown>;
  peakMemoryMb: number | null;
  /** e.g. "POST /v1/images/edits" */
  endpoint: string;
  /** Server numbers that were dropped and why (shared/server-numbers.ts); kept on the job's result. */
  notes?: string[];
  /** Images the server returned (`image` is the first); 1 unless `n` > 1 was asked for. */
  imageCount?: number;
  /** The prompt's token count as the server reported it (baseline `text_seq_len`, chat `usage`); null when none. */
  promptTokens?: number | null;
}

export interface SendOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

export interface ConnectOptions {
  signal?: AbortSignal;
  /** How long to keep polling /health before giving up (servers only listen once every stage has loaded). */
  healthDeadlineMs?: number;
  /** Progress while waiting ("waiting for http://… /health (503 loading), 12 s"). */
  onWait?: (message: string) => void;
}

export interface BackendAdapter {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  /** Wait for health, detect the server generation and paths. Must be called before send(). */
  connect(options?: ConnectOptions): Promise<ServerInfo>;
  /** Send one request. Throws BackendError on any failure (HTTP error shapes, garbage, timeouts). */
  send(request: ImageRequest, options: SendOptions): Promise<ImageResponse>;
  /** What the adapter knows now (paths may change after a runtime fallback to the chat endpoint). */
  serverInfo?(): ServerInfo;
  /** Release keep-alive sockets. */
  close?(): void;
}

/** Every adapter failure, already phrased for a person (what failed, where, what to do). */
export class BackendError extends Error {
  readonly kind: JobError['kind'];
  readonly httpStatus: number | undefined;
  readonly url: string | undefined;
  readonly retryable: boolean;

  constructor(
    message: string,
    init: { kind: JobError['kind']; httpStatus?: number; url?: string; retryable: boolean; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'BackendError';
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.url = init.url;
    this.retryable = init.retryable;
  }

  toJobError(): JobError {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.httpStatus === undefined ? {} : { httpStatus: this.httpStatus }),
      ...(this.url === undefined ? {} : { url: this.url }),
      retryable: this.retryable,
    };
  }
}
