/**
 * The one contract between the UI and the engine: channel → zod request/response.
 *
 * Every transport dispatches through it: Electron IPC (electron/main → core/rpc), the HTTP host of browser
 * mode (POST /rpc/<channel> → core/rpc) and the in-process transport of tests (core/testing). core/rpc validates the request
 * before a handler sees it and the response before it leaves, so a bug or a hostile page cannot push
 * unvalidated data across (Actual Budget's single-API design, with runtime validation added).
 *
 * Channel names are `domain:verb-noun`. Server → UI pushes are `RunEvent`s below.
 */
import { z } from 'zod';
import {
  BackendKindSchema,
  CategorySchema,
  ImageIdSchema,
  JobErrorSchema,
  MAX_SEED,
  SizeSchema,
  TagSchema,
  VerdictSchema,
  VerdictValueSchema,
} from './model.ts';
import { RunCompareRequestSchema, RunCompareResponseSchema } from './run-compare.ts';
import { HeadlineSchema, SummaryRowSchema } from './report-conclusions.ts';
import { SideTextCheckSchema } from './ocr-view.ts';
import { SweepResultSchema, SweepSummarySchema } from './sweep.ts';

// ---------------------------------------------------------------------------------------------------------
// Records the UI reads
// ---------------------------------------------------------------------------------------------------------

export const SideProgressSchema = z
  .object({
    total: z.number().int(),
    done: z.number().int(),
    ok: z.number().int(),
    error: z.number().int(),
    running: z.number().int(),
  })
  .strict();
export type SideProgress = z.infer<typeof SideProgressSchema>;

export const RunProgressSchema = z
  .object({
    A: SideProgressSchema,
    B: SideProgressSchema,
    compare: z.object({ total: z.number().int(), done: z.number().int() }).strict(),
    /**
     * OCR reads of outputs with expected text (issue 11): saved so far, and saved + still to read among the outputs
     * finished so far (it grows as outputs arrive). Absent when OCR is off.
     */
    ocr: z.object({ total: z.number().int(), done: z.number().int() }).strict().optional(),
    /** Estimated ms to finish, null while unknown. */
    etaMs: z.number().nullable(),
  })
  .strict();
export type RunProgress = z.infer<typeof RunProgressSchema>;

export const RUN_STATES = ['starting', 'running', 'complete', 'partial', 'cancelled', 'failed'] as const;
export const RunStateSchema = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunStateSchema>;

export const BackendSummarySchema = z
  .object({
    kind: BackendKindSchema,
    label: z.string(),
    url: z.string(),
    simulated: z.boolean(),
    /** Detected API generation and paths, e.g. "legacy via /v1/chat/completions". */
    path: z.string().nullable(),
  })
  .strict();

export const RunSummarySchema = z
  .object({
    id: z.string(),
    /** Folder shown to the user (may be outside the workspace for opened runs). */
    dir: z.string(),
    suiteName: z.string(),
    createdAt: z.string(),
    state: RunStateSchema,
    /** Last failure or cancellation reason, one line. */
    message: z.string().nullable(),
    backends: z.object({ A: BackendSummarySchema, B: BackendSummarySchema }).strict(),
    progress: RunProgressSchema,
    pairs: z.number().int(),
    reviewed: z.number().int(),
  })
  .strict();
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const PairSideViewSchema = z
  .object({
    status: z.enum(['ok', 'error', 'pending', 'running', 'skipped']),
    error: JobErrorSchema.nullable(),
    imageId: ImageIdSchema.nullable(),
    /** The image this side edited for this turn (suite input for turn 1, own previous output after). */
    sourceId: ImageIdSchema.nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    e2eMs: z.number().nullable(),
    /** Server stages from `stage_durations` (canonical names, ms) plus the client's `upload` and `download`. */
    stages: z.record(z.string(), z.number()),
    /** ms the job waited for a client concurrency slot before it was sent (not part of e2e). Optional: issue 8. */
    clientWaitMs: z.number().nullable().optional(),
    /** The server's own total: the pipeline's `forward` in `stage_durations` (ms); null when not reported. */
    serverTotalMs: z.number().nullable().optional(),
    /** The baseline's finer `metrics.timings` stages (ms): B detail, shown labelled, never compared. */
    detailStages: z.record(z.string(), z.number()).nullable().optional(),
    /** Per-step denoise times (ms) when the server reported them (baseline `metrics.timings.denoise_steps`). */
    denoiseStepsMs: z.array(z.number()).nullable(),
    peakMemoryMb: z.number().nullable(),
    endpoint: z.string().nullable(),
    attempts: z.number().int(),
    /** Source-vs-output diff: what this side changed. */
    vsSource: z
      .object({
        ratio: z.number().nullable(),
        heatmapId: ImageIdSchema.nullable(),
        bounds: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
      })
      .strict()
      .nullable(),
    /** The text check of this output (issue 11): null when its turn has no expected text or it was not read. */
    text: SideTextCheckSchema.nullable().optional(),
  })
  .strict();
export type PairSideView = z.infer<typeof PairSideViewSchema>;

export const PairViewSchema = z
  .object({
    key: z.string(),
    caseId: z.string(),
    title: z.string().nullable(),
    category: CategorySchema,
    tags: z.array(z.string()),
    turn: z.number().int(),
    turns: z.number().int(),
    repeat: z.number().int(),
    prompt: z.string(),
    negativePrompt: z.string().nullable(),
    expectedText: z.array(z.string()),
    A: PairSideViewSchema,
    B: PairSideViewSchema,
    diff: z
      .object({
        pixels: z.number().int().nullable(),
        ratio: z.number().nullable(),
        heatmapId: ImageIdSchema.nullable(),
        bounds: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
        ssim: z.number().nullable(),
        psnr: z.number().nullable(),
        identical: z.boolean(),
        sizeMismatch: z.object({ first: z.string(), second: z.string() }).nullable(),
      })
      .strict()
      .nullable(),
    verdicts: z.array(VerdictSchema),
    /**
     * Blind-mode side assignment for this pair, fixed per run so reloading does not reshuffle: true = B is
     * shown on the left. Drawn from a seeded hash of (run id, case, repeat): one per multi-turn chain, so the
     * sides never trade places between the turns of a chain.
     */
    blindSwap: z.boolean(),
  })
  .strict();
export type PairView = z.infer<typeof PairViewSchema>;

export const SuiteEntrySchema = z
  .object({
    /** Path relative to the project or workspace, used as the id when starting a run. */
    path: z.string(),
    name: z.string(),
    cases: z.number().int(),
    categories: z.record(z.string(), z.number().int()),
    description: z.string().nullable(),
  })
  .strict();
export type SuiteEntry = z.infer<typeof SuiteEntrySchema>;

export const SettingsSchema = z
  .object({
    reviewer: z.string().max(80),
    blindByDefault: z.boolean(),
    /** Read the text of every output that has expected text while a run runs (issue 11). Optional: on when absent. */
    ocr: z.boolean().optional(),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

// ---------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------

export const BackendTargetSchema = z
  .object({
    /** `sim` or an http(s) base URL. */
    target: z.string().min(1),
    kind: BackendKindSchema,
    /** Simulator fault spec such as "typo=0.3"; ignored for real servers. */
    faults: z.string().max(200).default(''),
    concurrency: z.number().int().min(1).max(64).default(2),
  })
  .strict();
export type BackendTarget = z.infer<typeof BackendTargetSchema>;

export const StartRunRequestSchema = z
  .object({
    suite: z.discriminatedUnion('source', [
      z.object({ source: z.literal('path'), path: z.string().min(1) }).strict(),
      z.object({ source: z.literal('text'), text: z.string().min(1).max(2_000_000), fileName: z.string().min(1).max(200) }).strict(),
    ]),
    A: BackendTargetSchema,
    B: BackendTargetSchema,
    params: z
      .object({
        seed: z.number().int().min(0).max(MAX_SEED).optional(),
        steps: z.number().int().min(1).max(200).optional(),
        size: SizeSchema.optional(),
        repeats: z.number().int().min(1).max(100).default(1),
        timeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000),
        retries: z.number().int().min(0).max(10).default(2),
      })
      .strict(),
  })
  .strict();
export type StartRunRequest = z.input<typeof StartRunRequestSchema>;

const SideTagsRequestSchema = z.object({ A: z.array(TagSchema).max(32), B: z.array(TagSchema).max(32) }).strict();

export const SetVerdictRequestSchema = z
  .object({
    runId: z.string().min(1),
    pairKey: z.string().min(1),
    verdict: VerdictValueSchema,
    /** Tags about the pair as a whole. */
    tags: z.array(TagSchema).max(32),
    /** Tags per side (backend terms A/B, whatever side of the screen showed it). Optional: empty when absent. */
    sideTags: SideTagsRequestSchema.optional(),
    /** Suggested tags the reviewer rejected, per side. Optional: empty when absent. */
    dismissed: SideTagsRequestSchema.optional(),
    note: z.string().max(4000),
    blind: z.boolean(),
    swapped: z.boolean(),
    durationMs: z.number().int().min(0).max(86_400_000),
  })
  .strict();
export type SetVerdictRequest = z.infer<typeof SetVerdictRequestSchema>;

export const EXPORT_FORMATS = ['html', 'json', 'csv', 'md', 'pdf'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

const RunIdRequest = z.object({ runId: z.string().min(1) }).strict();
const SweepIdRequest = z.object({ sweepId: z.string().min(1) }).strict();

/** Where a sweep spec comes from: a path (bundled fixtures/sweeps or the workspace's sweeps/) or its text. */
export const SweepSpecSourceSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('path'), path: z.string().min(1) }).strict(),
  z.object({ source: z.literal('text'), text: z.string().min(1).max(200_000), fileName: z.string().min(1).max(200) }).strict(),
]);

export const StartSweepRequestSchema = z
  .object({
    spec: SweepSpecSourceSchema,
    /** `concurrency` of a target is not used: concurrency is an axis of the sweep. */
    A: BackendTargetSchema,
    B: BackendTargetSchema,
    /** Which sides to run (default both). */
    sides: z.array(z.enum(['A', 'B'])).min(1).max(2).default(['A', 'B']),
  })
  .strict();
export type StartSweepRequest = z.input<typeof StartSweepRequestSchema>;

export const SweepSpecEntrySchema = z
  .object({
    /** Path relative to the project or workspace, used as the id when starting a sweep. */
    path: z.string(),
    name: z.string(),
    points: z.number().int(),
    description: z.string().nullable(),
  })
  .strict();
export type SweepSpecEntry = z.infer<typeof SweepSpecEntrySchema>;
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) }).strict();

// ---------------------------------------------------------------------------------------------------------
// The channel map
// ---------------------------------------------------------------------------------------------------------

export const CONTRACT = {
  'app:get-info': {
    request: Empty,
    response: z
      .object({
        version: z.string(),
        /** Where runs and settings live (shown in the UI). */
        workspace: z.string(),
        /** `memory`: the engine runs in the caller's own process (tests and the bench, core/testing). */
        mode: z.enum(['electron', 'browser', 'memory']),
      })
      .strict(),
  },
  'settings:get': { request: Empty, response: SettingsSchema },
  'settings:set': { request: SettingsSchema.partial().strict(), response: SettingsSchema },
  'suites:list': { request: Empty, response: z.array(SuiteEntrySchema) },
  'suites:check': {
    request: z.object({ text: z.string().min(1).max(2_000_000), fileName: z.string().min(1).max(200) }).strict(),
    response: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), suite: SuiteEntrySchema }).strict(),
      z.object({ ok: z.literal(false), error: z.string() }).strict(),
    ]),
  },
  'runs:list': { request: Empty, response: z.array(RunSummarySchema) },
  'runs:get': { request: RunIdRequest, response: RunSummarySchema },
  'runs:start': { request: StartRunRequestSchema, response: RunSummarySchema },
  'runs:cancel': { request: RunIdRequest, response: RunSummarySchema },
  'runs:resume': { request: RunIdRequest, response: RunSummarySchema },
  /** Register a run folder made elsewhere (e.g. `omni-review run --out DIR`) so it shows in the list. */
  'runs:open': { request: z.object({ dir: z.string().min(1).max(4096) }).strict(), response: RunSummarySchema },
  'pairs:list': { request: RunIdRequest, response: z.array(PairViewSchema) },
  /** Run against run (issue 13 "Compare runs"): also writes compare.html / .md / .json under <workspace>/compares/. */
  'runs:compare': { request: RunCompareRequestSchema, response: RunCompareResponseSchema },
  'verdicts:set': { request: SetVerdictRequestSchema, response: VerdictSchema },
  'verdicts:undo': { request: z.object({ runId: z.string().min(1), verdictId: z.string().min(1) }).strict(), response: Ok },
  'runs:export': {
    request: z.object({ runId: z.string().min(1), format: ExportFormatSchema }).strict(),
    response: z
      .object({
        /** File name inside the run folder, e.g. report.html. */
        file: z.string(),
        /** Where the user can find it. */
        path: z.string(),
      })
      .strict(),
  },
  /** The run's conclusions (issue 13): the headline and the per-category / per-language table, as report.json has them. */
  'runs:summary': {
    request: RunIdRequest,
    response: z.object({ headline: HeadlineSchema, rows: z.array(SummaryRowSchema) }).strict(),
  },
  /** Sweep specs the app knows (bundled fixtures/sweeps and the workspace's sweeps/*.yaml). */
  'sweeps:specs': { request: Empty, response: z.array(SweepSpecEntrySchema) },
  /** Validate a sweep spec's text without running it (errors name file, line and field). */
  'sweeps:check': {
    request: z.object({ text: z.string().min(1).max(200_000), fileName: z.string().min(1).max(200) }).strict(),
    response: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), spec: SweepSpecEntrySchema }).strict(),
      z.object({ ok: z.literal(false), error: z.string() }).strict(),
    ]),
  },
  'sweeps:list': { request: Empty, response: z.array(SweepSummarySchema) },
  /** One sweep with every point's per-side summary and its A-vs-B table row. */
  'sweeps:get': { request: SweepIdRequest, response: SweepResultSchema },
  'sweeps:start': { request: StartSweepRequestSchema, response: SweepSummarySchema },
  'sweeps:cancel': { request: SweepIdRequest, response: SweepSummarySchema },
  'sweeps:resume': { request: SweepIdRequest, response: SweepSummarySchema },
  /** Register a sweep folder made elsewhere (`omni-review sweep --out DIR`) so it shows in the list (this session). */
  'sweeps:open': { request: z.object({ dir: z.string().min(1).max(4096) }).strict(), response: SweepSummarySchema },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type Contract = typeof CONTRACT;
export type Channel = keyof Contract;
export const CHANNELS = Object.keys(CONTRACT) as Channel[];
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONTRACT, value);
}

// ---------------------------------------------------------------------------------------------------------
// Push events (engine → UI)
// ---------------------------------------------------------------------------------------------------------

export const UiEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run-updated'), run: RunSummarySchema }).strict(),
  z.object({ type: z.literal('pairs-changed'), runId: z.string(), pairKeys: z.array(z.string()) }).strict(),
  /** A sweep's state or progress changed (throttled like run-updated); `sweeps:get` has the figures. */
  z.object({ type: z.literal('sweep-updated'), sweep: SweepSummarySchema }).strict(),
]);
export type UiEvent = z.infer<typeof UiEventSchema>;

// ---------------------------------------------------------------------------------------------------------
// Errors crossing the contract
// ---------------------------------------------------------------------------------------------------------

/** What a failed call returns on every transport: a code to branch on and a sentence for a person. */
export const RpcErrorSchema = z
  .object({
    code: z.enum(['bad-request', 'not-found', 'conflict', 'failed', 'unknown-channel']),
    message: z.string(),
  })
  .strict();
export type RpcErrorBody = z.infer<typeof RpcErrorSchema>;

/** Longest sides (px) of the display-sized copies the engine makes; a closed set keeps its cache bounded. */
export const PREVIEW_SIDES = [512, 1024, 2048] as const;
export type PreviewSide = (typeof PREVIEW_SIDES)[number];

/** The query that asks a host for a display-sized copy ("" for the original). */
export function previewQuery(options?: { maxSide?: PreviewSide }): string {
  return options?.maxSide === undefined ? '' : `?max=${options.maxSide}`;
}

/** The ReviewApi the renderer talks to; each transport (IPC, HTTP, in-process for tests) implements it. */
export interface ReviewApi {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  subscribe(listener: (event: UiEvent) => void): () => void;
  /**
   * URL the renderer can put in <img src> for an image of a run (by id, never by path). With `maxSide` (one of
   * PREVIEW_SIDES) it names a display-sized, lossless copy, for panes that show the image smaller than it is.
   */
  imageUrl(runId: string, imageId: string, options?: { maxSide?: PreviewSide }): string;
  /** URL that opens an exported file of a run. */
  fileUrl(runId: string, file: string): string;
}
