/**
 * The domain model of Omni Review, shared by every layer (core engine, CLI, HTTP host, Electron shell, UI).
 *
 * Data flows one way: suite → jobs → backends → results → comparisons → review → reports.
 * Each arrow is a module boundary and each record below is what crosses it. Everything is a zod schema
 * so the same definition validates files, IPC/HTTP payloads and what we read back from the store.
 *
 * Isomorphic: no node:*, no DOM, no electron.
 *
 * One concept, kept in one file although it is a little over 400 lines: the records of the one data flow above,
 * which reference one another (a JobResult holds a JobError and Timings, a Comparison PixelDiffs, a RunConfig
 * BackendConfigs and a Suite) and whose vocabularies (sides, kinds, stages, verdicts) they all share. Read top to
 * bottom it is the schema of a run folder; 61 modules on every side of the app import from it.
 */
import { z } from 'zod';
import { DEFAULT_KIND as BASE_DEFAULT_KIND } from './backend-defaults.ts';

// ---------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------

export const SIDES = ['A', 'B'] as const;
export const SideSchema = z.enum(SIDES);
export type Side = z.infer<typeof SideSchema>;

export const CATEGORIES = ['text-rendering', 'style-transfer', 'multi-turn', 'edit', 'generation'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

/** The protocols we speak. A = vLLM-Omni's OpenAI-style image API; B = our diffusers baseline server. */
export const BACKEND_KINDS = ['vllm-omni', 'diffusers'] as const;
export const BackendKindSchema = z.enum(BACKEND_KINDS);
export type BackendKind = z.infer<typeof BackendKindSchema>;

export const DEFAULT_KIND: Record<Side, BackendKind> = BASE_DEFAULT_KIND;

/** "WxH" in pixels, as both servers take it. Width and height are multiples of 16 in practice. */
export const SizeSchema = z
  .string()
  .regex(/^[1-9]\d{1,4}x[1-9]\d{1,4}$/, 'must look like 1024x1024 (width x height in pixels)');

export interface Dimensions {
  width: number;
  height: number;
}

export function parseSize(size: string): Dimensions {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new Error(`size "${size}" must look like 1024x1024`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function formatSize(d: Dimensions): string {
  return `${d.width}x${d.height}`;
}

/** Content address of an image in a run's store: lowercase hex sha256 of the file bytes. */
export const ImageIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex image id');
export type ImageId = z.infer<typeof ImageIdSchema>;

// ---------------------------------------------------------------------------------------------------------
// Suite (what to send): loaded from YAML by core/suite, validated here
// ---------------------------------------------------------------------------------------------------------

/** Seeds are unsigned 32-bit, as the servers' generators take them. */
export const MAX_SEED = 2 ** 32 - 1;

/** Generation parameters; every field optional so suite defaults, case params and CLI overrides can layer. */
export const GenParamsSchema = z
  .object({
    seed: z.number().int().min(0).max(MAX_SEED).optional(),
    steps: z.number().int().min(1).max(200).optional(),
    trueCfgScale: z.number().min(0).max(20).optional(),
    size: SizeSchema.optional(),
  })
  .strict();
export type GenParams = z.infer<typeof GenParamsSchema>;

const TurnSchema = z
  .object({
    prompt: z.string().min(1, 'prompt must not be empty'),
    negativePrompt: z.string().optional(),
    /** Text the output should show. The suite loader fills it from the prompt's quoted spans when absent. */
    expectedText: z.array(z.string()),
    /**
     * For an edit: the text the turn's input image shows and the edit should replace (issue 11's
     * `text.source_kept`). The suite loader sets it from `source_text`, else, after the first turn, from the previous
     * turn's expected text when that differs from this turn's (core/suite/build-suite.ts turnSourceText). Absent: none.
     */
    sourceText: z.array(z.string()).optional(),
  })
  .strict();
export type Turn = z.infer<typeof TurnSchema>;

const CASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const SuiteCaseSchema = z
  .object({
    id: z.string().regex(CASE_ID_PATTERN, 'must be letters, digits, ".", "_" or "-" (at most 100)'),
    category: CategorySchema,
    title: z.string().optional(),
    /**
     * Input images. In a suite file these are paths relative to the file; once a run has imported them
     * they are image ids. Empty for text-to-image (generation) cases.
     */
    inputs: z.array(z.string()),
    turns: z.array(TurnSchema).min(1),
    params: GenParamsSchema,
    tags: z.array(z.string()),
  })
  .strict();
export type SuiteCase = z.infer<typeof SuiteCaseSchema>;

export const SuiteSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    defaults: GenParamsSchema,
    cases: z.array(SuiteCaseSchema).min(1),
  })
  .strict()
  .superRefine((suite, ctx) => {
    const seen = new Map<string, number>();
    suite.cases.forEach((c, i) => {
      const first = seen.get(c.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['cases', i, 'id'],
          message: `duplicate case id "${c.id}" (first used by cases[${first}])`,
        });
      } else seen.set(c.id, i);
    });
  });
export type Suite = z.infer<typeof SuiteSchema>;

// ---------------------------------------------------------------------------------------------------------
// Run configuration (how to send it)
// ---------------------------------------------------------------------------------------------------------

export { SIM_URL } from './backend-defaults.ts';

const BackendConfigSchema = z
  .object({
    side: SideSchema,
    kind: BackendKindSchema,
    /** What the user asked for: `sim` or a base URL. */
    target: z.string().min(1),
    /** The base URL actually used (for a simulator, its loopback address in this process). */
    url: z.string(),
    simulated: z.boolean(),
    /** Human label shown when not blind, e.g. "vLLM-Omni (simulated)". */
    label: z.string(),
    concurrency: z.number().int().min(1).max(64),
    timeoutMs: z.number().int().min(100),
    /** Simulator fault profile spec, e.g. "typo=0.3,5xx=0.1"; empty when none. */
    faults: z.string(),
  })
  .strict();
export type BackendConfig = z.infer<typeof BackendConfigSchema>;

/** What the adapter learned about the server when it connected (vLLM-Omni conformance; DESIGN "Backends"). */
export const ServerInfoSchema = z
  .object({
    /** Served model id from /v1/models, when the server answers it. */
    model: z.string().nullable(),
    /**
     * Which API generation we detected: `current` (has /v1/images/edits), `legacy` (chat path only, e.g. the
     * 0.12-era servers), `baseline` (our diffusers server), `unknown` before detection.
     */
    generation: z.enum(['current', 'legacy', 'baseline', 'unknown']),
    /** Request path used for edits and for generation, e.g. "/v1/images/edits" or "/v1/chat/completions". */
    editPath: z.string().nullable(),
    generatePath: z.string().nullable(),
    /** Free-form notes on what detection saw (fallbacks taken and why). */
    notes: z.array(z.string()),
  })
  .strict();
export type ServerInfo = z.infer<typeof ServerInfoSchema>;

const RunParamsSchema = z
  .object({
    /** Overrides applied over suite defaults and case params (CLI --seed/--steps/--size). */
    overrides: GenParamsSchema,
    repeats: z.number().int().min(1).max(100),
    /** Retries per job on transient failures (network errors, 429, 502-504, timeouts). */
    retries: z.number().int().min(0).max(10),
  })
  .strict();
export type RunParams = z.infer<typeof RunParamsSchema>;

export const RunConfigSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    suite: SuiteSchema,
    /** Where the suite came from, for the report (relative or as the user typed it; never resolved further). */
    suiteSource: z.string(),
    backends: z.object({ A: BackendConfigSchema, B: BackendConfigSchema }).strict(),
    params: RunParamsSchema,
  })
  .strict();
export type RunConfig = z.infer<typeof RunConfigSchema>;

// ---------------------------------------------------------------------------------------------------------
// Jobs and results
// ---------------------------------------------------------------------------------------------------------

/** Turns and repeats are 1-based everywhere (what a person reads: "turn 2 of 3"). */
export function pairKey(caseId: string, turn: number, repeat: number): string {
  return `${caseId}#t${turn}#r${repeat}`;
}
export function jobId(caseId: string, side: Side, turn: number, repeat: number): string {
  return `${pairKey(caseId, turn, repeat)}#${side}`;
}

const JOB_STATUSES = ['pending', 'running', 'ok', 'error', 'skipped'] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** The fully resolved request of one job: what was (or will be) sent. */
export const JobRequestSchema = z
  .object({
    prompt: z.string(),
    negativePrompt: z.string().optional(),
    seed: z.number().int(),
    steps: z.number().int(),
    trueCfgScale: z.number().optional(),
    size: SizeSchema,
  })
  .strict();
export type JobRequest = z.infer<typeof JobRequestSchema>;

export const JobSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    side: SideSchema,
    turn: z.number().int().min(1),
    repeat: z.number().int().min(1),
    status: JobStatusSchema,
    attempts: z.number().int().min(0),
    request: JobRequestSchema,
  })
  .strict();
export type Job = z.infer<typeof JobSchema>;

/** Canonical stage names (DESIGN "Backends"). Unknown server keys are kept verbatim beside them. */
export const CANONICAL_STAGES = [
  'queue',
  'upload',
  'preprocess',
  'text_encode',
  'vae_encode',
  'denoise',
  'vae_decode',
  'postprocess',
  'transfer',
  'download',
] as const;
export type CanonicalStage = (typeof CANONICAL_STAGES)[number];

const ERROR_KINDS = ['http', 'timeout', 'network', 'protocol', 'invalid-image', 'cancelled', 'skipped'] as const;
export const JobErrorSchema = z
  .object({
    kind: z.enum(ERROR_KINDS),
    /** One line a person can act on: what failed, where, what to do. */
    message: z.string(),
    httpStatus: z.number().int().optional(),
    /** The request URL that failed, when there was one. */
    url: z.string().optional(),
    retryable: z.boolean(),
  })
  .strict();
export type JobError = z.infer<typeof JobErrorSchema>;

const TimingsSchema = z
  .object({
    /** Client-measured wall clock from sending the request to having the decoded image, ms. */
    e2eMs: z.number().min(0),
    /** Canonical stage name (or verbatim unknown server key) → ms. Server stages and client stages together. */
    stages: z.record(z.string(), z.number()),
    /**
     * ms the job waited for a free concurrency slot of ours before it was sent. Not backend latency (it depends
     * on --concurrency and suite size), so it is not a stage and not part of e2eMs.
     */
    clientWaitMs: z.number().min(0).optional(),
    /** The server's `stage_durations` exactly as received (seconds, server keys), when it sent any. */
    serverStageDurations: z.record(z.string(), z.number()).optional(),
    /** The baseline server's `metrics.timings` block as received (ms), when present. */
    serverTimings: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const JobResultSchema = z
  .object({
    jobId: z.string(),
    caseId: z.string(),
    side: SideSchema,
    turn: z.number().int().min(1),
    repeat: z.number().int().min(1),
    status: z.enum(['ok', 'error']),
    error: JobErrorSchema.optional(),
    imageId: ImageIdSchema.optional(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    /** Size we asked for; differs from width×height when the backend returned something else. */
    requestedSize: SizeSchema,
    timings: TimingsSchema,
    peakMemoryMb: z.number().nullable(),
    /** e.g. "POST /v1/images/edits" */
    endpoint: z.string(),
    /** Requests actually sent; 0 for a turn skipped because an earlier turn failed. */
    attempts: z.number().int().min(0),
    /**
     * What was wrong with the server's own numbers and was dropped (a negative peak_memory_mb, a NaN or 1e300
     * stage duration). Optional: added after v1, absent when there was nothing to say.
     */
    notes: z.array(z.string()).optional(),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .strict();
export type JobResult = z.infer<typeof JobResultSchema>;

// ---------------------------------------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------------------------------------

export const BoundsSchema = z
  .object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() })
  .strict();
export type Bounds = z.infer<typeof BoundsSchema>;

const PixelDiffSchema = z
  .object({
    /** Changed pixels at the pixelmatch threshold; null when the sizes differ. */
    pixels: z.number().int().nullable(),
    /** pixels / (width × height), 0..1; null when the sizes differ. */
    ratio: z.number().nullable(),
    /** Heatmap PNG image id (changed pixels in colour over a faded greyscale of the first image). */
    heatmapId: ImageIdSchema.nullable(),
    /** Smallest rectangle holding every changed pixel; null when nothing changed or sizes differ. */
    bounds: BoundsSchema.nullable(),
    width: z.number().int(),
    height: z.number().int(),
    /** Present when the two images have different sizes: the comparison then only has SSIM/PSNR on a common downsample. */
    sizeMismatch: z
      .object({ first: z.string(), second: z.string() })
      .strict()
      .nullable(),
    /**
     * Output-vs-source diffs only: "WxH" of the source when it was resized to the output's size before the
     * diff (the backend returned another size); null when the sizes matched. Optional: added after v1.
     */
    sourceResizedFrom: z.string().nullable().optional(),
  })
  .strict();
export type PixelDiff = z.infer<typeof PixelDiffSchema>;

export const ComparisonSchema = z
  .object({
    pairKey: z.string(),
    /** A ↔ B. */
    ab: PixelDiffSchema.extend({
      ssim: z.number().nullable(),
      /** dB; Infinity is stored as null with identical=true. */
      psnr: z.number().nullable(),
      identical: z.boolean(),
    }).strict(),
    /** Each backend's output against the image it edited (its source for this turn); null for generation. */
    vsSource: z.object({ A: PixelDiffSchema.nullable(), B: PixelDiffSchema.nullable() }).strict(),
    /** pixelmatch per-pixel threshold used (YIQ, 0..1). */
    threshold: z.number(),
    /** Side the SSIM/PSNR were computed at (longest edge of the downsampled copy). */
    metricsSize: z.number().int(),
  })
  .strict();
export type Comparison = z.infer<typeof ComparisonSchema>;

// ---------------------------------------------------------------------------------------------------------
// Review
// ---------------------------------------------------------------------------------------------------------

export const VERDICTS = ['A_better', 'B_better', 'tie', 'both_bad', 'skip'] as const;
export const VerdictValueSchema = z.enum(VERDICTS);
export type VerdictValue = z.infer<typeof VerdictValueSchema>;

/** The failure taxonomy (DESIGN "Review model"). `artifact.*` is open-ended. */
export const TAGS = [
  'text.misspelled',
  'text.garbled',
  'text.missing',
  'text.extra',
  'text.source_kept',
  'text.wrong_script',
  'text.layout',
  'edit.over_edit',
  'edit.under_edit',
  'edit.wrong_region',
  'style.not_applied',
  'multi_turn.drift',
  'artifact.blur',
  'artifact.color_shift',
  'artifact.seam',
  'artifact.noise',
] as const;
export const TagSchema = z.string().regex(/^(text|edit|style|multi_turn|artifact)\.[a-z_]+$/, 'must be a taxonomy tag like text.missing');

/** Tags per side (issue 11): A's misspelling is not B's. */
export const SideTagsSchema = z.object({ A: z.array(TagSchema), B: z.array(TagSchema) }).strict();
export type SideTags = z.infer<typeof SideTagsSchema>;

export const VerdictSchema = z
  .object({
    id: z.string(),
    pairKey: z.string(),
    reviewer: z.string().min(1),
    verdict: VerdictValueSchema,
    /**
     * Tags about the pair as a whole, not one side. Before issue 11 every tag was stored here; the run database's
     * migration 2 leaves them here (which side a tag meant was never recorded), so they read as "pair" tags.
     */
    tags: z.array(TagSchema),
    /**
     * Tags per side, in backend terms (A, B), never screen positions. Optional so report.json files written before
     * issue 11 still load; run.sqlite rows carry it after migration 2. Read it through sideTagsOf().
     */
    sideTags: SideTagsSchema.optional(),
    /** Suggested tags (from OCR) the reviewer rejected, per side, so they are not offered again. */
    dismissed: SideTagsSchema.optional(),
    note: z.string(),
    /** Blind mode: backend names hidden; `swapped` = B was shown on the left. Stored to measure position bias. */
    blind: z.boolean(),
    swapped: z.boolean(),
    durationMs: z.number().int().min(0),
    createdAt: z.string(),
  })
  .strict();
export type Verdict = z.infer<typeof VerdictSchema>;

const NO_SIDE_TAGS: SideTags = { A: [], B: [] };

/** A verdict's per-side tags; empty lists for a verdict made before tags were per side. */
export function sideTagsOf(v: Pick<Verdict, 'sideTags'> | null | undefined): SideTags {
  return v?.sideTags ?? NO_SIDE_TAGS;
}

/** Every tag of a verdict (pair tags and both sides'), once each: for counts and searches that do not care which side. */
export function allTagsOf(v: Pick<Verdict, 'tags' | 'sideTags'>): string[] {
  const s = sideTagsOf(v);
  return [...new Set([...v.tags, ...s.A, ...s.B])];
}
