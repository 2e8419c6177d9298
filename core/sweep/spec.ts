/**
 * Sweep spec loader: YAML (docs/sweep-format.md) → the shared SweepSpec, with the suite loader's quality of errors:
 * every problem is a SuiteError issue naming the file, line, column and field and saying what to do, all of them
 * collected at once. The YAML helpers (positions, syntax problems, zod issue wording) are core/suite's.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { MAX_SEED } from '../../shared/model.ts';
import { fieldPathOf, formatFieldPath, type FieldPath } from '../../shared/issue-path.ts';
import { SWEEP_LIMITS, SweepSpecSchema, sweepPoints, type SweepSpec } from '../../shared/sweep.ts';
import { describeValue, problemsFromIssue, quote, type Problem } from '../suite/file-schema.ts';
import { checkInputImage, type InputImageInfo } from '../suite/inputs.ts';
import { checkSize } from '../suite/size.ts';
import { closestMatch } from '../suite/suggest.ts';
import { SuiteError, makeIssue, type SuiteIssue } from '../suite/suite-error.ts';
import { YamlLocator } from '../suite/yaml-locate.ts';
import { aliasProblem, problemsToIssues, syntaxProblem, type LocatedProblem } from '../suite/yaml-problems.ts';

export const MAX_SWEEP_BYTES = 200_000;
/** Requests of one sweep in all (points × (requests + warm-up) × 2 sides): a typo such as requests: 10000 over 512 points is refused. */
export const MAX_SWEEP_REQUESTS = 200_000;

const axisOf = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(SWEEP_LIMITS.maxAxisValues)]).optional();
const rate = z.union([z.number().positive().max(100_000), z.literal('inf')]);

const FileAxesSchema = z
  .object({
    batch: axisOf(z.number().int().min(1).max(SWEEP_LIMITS.maxBatch)),
    prompt_tokens: axisOf(z.number().int().min(1).max(SWEEP_LIMITS.maxPromptTokens)),
    concurrency: axisOf(z.number().int().min(1).max(SWEEP_LIMITS.maxConcurrency)),
    request_rate: axisOf(rate),
    burstiness: z.number().positive().max(1000).optional(),
  })
  .strict();

const FileSweepSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    axes: FileAxesSchema,
    requests: z.number().int().min(1).max(SWEEP_LIMITS.maxRequestsPerPoint),
    warmup: z.number().int().min(0).max(SWEEP_LIMITS.maxWarmup).optional(),
    size: z.string().optional(),
    steps: z.number().int().min(1).max(200).optional(),
    seed: z.number().int().min(0).max(MAX_SEED).optional(),
    image: z.string().min(1).optional(),
    images: z.array(z.string().min(1)).min(1).max(SWEEP_LIMITS.maxImages).optional(),
    timeout_s: z.number().min(1).max(3600).optional(),
    /** Simulators only: their time scale for this sweep (the --sim-time-scale flag wins). */
    sim_time_scale: z.number().positive().max(100).optional(),
  })
  .strict();

const TOP_KEYS = Object.keys(FileSweepSchema.shape);
const AXIS_KEYS = Object.keys(FileAxesSchema.shape);

export const SWEEP_DEFAULTS = {
  batch: 1,
  promptTokens: 64,
  concurrency: 1,
  requestRate: 'inf' as const,
  burstiness: 1,
  warmup: 1,
  size: '512x512',
  steps: 20,
  seed: 42,
  timeoutS: 300,
};

export interface LoadedSweepSpec {
  spec: SweepSpec;
  /** Absolute paths of the input images, in spec order, with what the check learned. */
  inputs: Array<{ written: string; absolute: string; info: InputImageInfo }>;
  file: string;
  /** The spec's `sim_time_scale` (simulators only); null when it gives none. */
  simTimeScale: number | null;
}

function hintFor(key: string | number | undefined): string {
  switch (key) {
    case 'request_rate':
      return 'Requests per second, e.g. [1, 2, 4], or inf for all at once.';
    case 'batch':
      return `Images per request (n), 1 to ${SWEEP_LIMITS.maxBatch}, e.g. [1, 2, 4].`;
    case 'prompt_tokens':
      return `Prompt length in tokens, 1 to ${SWEEP_LIMITS.maxPromptTokens}, e.g. [512, 2048].`;
    case 'concurrency':
      return `Requests in flight at most, 1 to ${SWEEP_LIMITS.maxConcurrency}, e.g. [1, 2, 4, 8].`;
    case 'burstiness':
      return 'A positive number: 1 = Poisson arrivals, below 1 burstier, above 1 more even.';
    default:
      return 'See docs/sweep-format.md.';
  }
}

function problemsOf(issue: z.ZodError['issues'][number], raw: unknown): Problem[] {
  const p = fieldPathOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = p.length === 0 ? TOP_KEYS : p[p.length - 1] === 'axes' ? AXIS_KEYS : [];
    return issue.keys.map((k) => {
      const suggestion = closestMatch(k, allowed);
      const misplaced = p.length === 0 && AXIS_KEYS.includes(k) ? `${k} is an axis: indent it under axes:.` : undefined;
      return {
        path: [...p, k],
        problem: `unknown key ${quote(k)}`,
        hint: misplaced ?? (suggestion ? `Did you mean ${suggestion}?` : `Allowed here: ${allowed.join(', ')}.`),
      };
    });
  }
  if (issue.code === 'invalid_union') {
    // An axis value or list, or a rate: point at the first bad item and say what one value may be.
    const axisKey = p.find((s) => typeof s === 'string' && AXIS_KEYS.includes(s)) ?? p[p.length - 1];
    let value: unknown = raw;
    for (const seg of p) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[seg] : undefined;
    const ok = (v: unknown): boolean => (typeof v === 'number' && Number.isFinite(v) && v > 0) || (axisKey === 'request_rate' && v === 'inf');
    if (Array.isArray(value)) {
      const i = value.findIndex((v) => !ok(v));
      if (i >= 0) return [{ path: [...p, i], problem: `${describeValue(value[i])} is not a valid value`, hint: hintFor(axisKey) }];
      if (value.length === 0) return [{ path: p, problem: 'is an empty list', hint: hintFor(axisKey) }];
    }
    return [{ path: p, problem: `${describeValue(value)} is not a valid value`, hint: hintFor(axisKey) }];
  }
  return problemsFromIssue(issue, raw).map((problem) => {
    // The suite's hints point at docs/suite-format.md: say what this field of a sweep takes instead.
    const key = [...problem.path].reverse().find((s): s is string => typeof s === 'string');
    return problem.hint.includes('docs/suite-format.md') ? { ...problem, hint: hintFor(key) } : problem;
  });
}

function list<T>(v: T | T[] | undefined, fallback: T): T[] {
  if (v === undefined) return [fallback];
  return Array.isArray(v) ? v : [v];
}

function duplicatesProblem(values: readonly unknown[], p: FieldPath): Problem | null {
  const seen = new Set<string>();
  for (const v of values) {
    const k = String(v);
    if (seen.has(k)) return { path: p, problem: `lists ${k} twice`, hint: 'Each value of an axis once: a point would be measured twice.' };
    seen.add(k);
  }
  return null;
}

export interface ParseSweepOptions {
  fileName: string;
  baseDir: string;
  suggestWithin?: readonly string[];
  /** Values from command-line flags, in the file's shape (`axes.batch`, `requests`, …): they replace the file's. */
  overrides?: SpecOverrides;
}

/** Command-line values over a spec: `values` in the file's shape, `flags` names the flag of each top-level/axis key. */
export interface SpecOverrides {
  values: { axes?: Record<string, unknown> } & Record<string, unknown>;
  /** Field ("requests", "axes.batch") → the flag that set it ("--requests", "--batch"), for messages. */
  flags: Readonly<Record<string, string>>;
}

function applyOverrides(raw: Record<string, unknown>, o: SpecOverrides | undefined): Record<string, unknown> {
  if (!o) return raw;
  const { axes, ...top } = o.values;
  const out: Record<string, unknown> = { ...raw, ...top };
  if (axes && Object.keys(axes).length > 0) {
    const base = typeof raw.axes === 'object' && raw.axes !== null && !Array.isArray(raw.axes) ? (raw.axes as Record<string, unknown>) : {};
    out.axes = { ...base, ...axes };
  }
  // --image replaces images: and the other way round.
  if ('image' in top) delete out.images;
  if ('images' in top) delete out.image;
  return out;
}

/** The flag behind a field path, when a command-line value set it. */
function flagOf(p: FieldPath, o: SpecOverrides | undefined): string | undefined {
  if (!o) return undefined;
  const [first, second] = p;
  if (first === 'axes' && typeof second === 'string') return o.flags[`axes.${second}`];
  return typeof first === 'string' ? o.flags[first] : undefined;
}

export async function loadSweepSpecFile(file: string, overrides?: SpecOverrides): Promise<LoadedSweepSpec> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) {
      throw new SuiteError([makeIssue({ file, line: null, column: null, field: '', problem: `is a directory, not a sweep spec (${absolute})`, hint: 'Pass a .yaml sweep spec, e.g. fixtures/sweeps/demo.yaml.' })]);
    }
    if (info.size > MAX_SWEEP_BYTES) {
      throw new SuiteError([makeIssue({ file, line: null, column: null, field: '', problem: `the sweep spec is ${info.size} bytes, larger than the ${MAX_SWEEP_BYTES} byte limit; it was not read`, hint: 'A sweep spec is a few lines; see docs/sweep-format.md.' })]);
    }
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof SuiteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `sweep spec not found (looked for ${absolute})` : `cannot read the sweep spec: ${code ?? String(error)} (${absolute})`;
    throw new SuiteError([makeIssue({ file, line: null, column: null, field: '', problem, hint: 'Check the path; it is relative to the current directory.' })]);
  }
  return { ...(await parseSweepSpecText(text, { fileName: file, baseDir: path.dirname(absolute), ...(overrides ? { overrides } : {}) })), file: absolute };
}

export async function parseSweepSpecText(text: string, options: ParseSweepOptions): Promise<LoadedSweepSpec> {
  if (Buffer.byteLength(text, 'utf8') > MAX_SWEEP_BYTES) {
    throw new SuiteError([makeIssue({ file: options.fileName, line: null, column: null, field: '', problem: `the sweep spec is larger than the ${MAX_SWEEP_BYTES} byte limit`, hint: 'A sweep spec is a few lines; see docs/sweep-format.md.' })]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const locator = new YamlLocator(doc, lineCounter);
  // A field set by a flag is reported against the flag, not a line of the file.
  const onFlag = (p: LocatedProblem): SuiteIssue | undefined => {
    const flag = flagOf(p.path, options.overrides);
    return flag === undefined ? undefined : makeIssue({ file: flag, line: null, column: null, field: formatFieldPath(p.path), problem: p.problem, hint: p.hint });
  };
  const toIssues = (problems: LocatedProblem[]): SuiteIssue[] => problemsToIssues(problems, locator, options.fileName, onFlag);
  if (doc.errors.length > 0) throw new SuiteError(toIssues(doc.errors.map((e) => syntaxProblem(e, text, doc, locator))));
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new SuiteError(toIssues([aliasProblem(doc, locator, error)]));
  }
  if ((raw === null || raw === undefined) && options.overrides) raw = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SuiteError(toIssues([{ path: [], problem: 'the sweep spec must be a mapping with name:, axes: and requests:', hint: 'See docs/sweep-format.md for an example.', at: { line: 1, column: 1 } }]));
  }
  raw = applyOverrides(raw as Record<string, unknown>, options.overrides);
  const parsed = FileSweepSchema.safeParse(raw);
  const problems: Problem[] = [];
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => problemsOf(i, raw)));
  const r = raw as Record<string, unknown>;
  if (typeof r.size === 'string') {
    const sp = checkSize(r.size);
    if (sp) problems.push({ path: ['size'], problem: sp.problem, hint: sp.hint });
  }
  if (r.image !== undefined && r.images !== undefined) {
    problems.push({ path: ['images'], problem: 'image: and images: are both given', hint: 'Keep one: image: for one input, images: [a.png, b.png] for several.' });
  }
  if (problems.length > 0 || !parsed.success) throw new SuiteError(toIssues(problems));

  const f = parsed.data;
  const axes = {
    batch: list(f.axes.batch, SWEEP_DEFAULTS.batch),
    promptTokens: list(f.axes.prompt_tokens, SWEEP_DEFAULTS.promptTokens),
    concurrency: list(f.axes.concurrency, SWEEP_DEFAULTS.concurrency),
    requestRate: list<number | 'inf'>(f.axes.request_rate, SWEEP_DEFAULTS.requestRate),
    burstiness: f.axes.burstiness ?? SWEEP_DEFAULTS.burstiness,
  };
  for (const [key, values] of [
    ['batch', axes.batch],
    ['prompt_tokens', axes.promptTokens],
    ['concurrency', axes.concurrency],
    ['request_rate', axes.requestRate],
  ] as const) {
    const d = duplicatesProblem(values, ['axes', key]);
    if (d) problems.push(d);
  }
  const written = f.images ?? (f.image === undefined ? [] : [f.image]);
  const spec: SweepSpec = {
    name: f.name,
    description: f.description ?? null,
    axes,
    requests: f.requests,
    warmup: f.warmup ?? SWEEP_DEFAULTS.warmup,
    size: f.size ?? SWEEP_DEFAULTS.size,
    steps: f.steps ?? SWEEP_DEFAULTS.steps,
    seed: f.seed ?? SWEEP_DEFAULTS.seed,
    images: written,
    timeoutMs: Math.round((f.timeout_s ?? SWEEP_DEFAULTS.timeoutS) * 1000),
  };
  const points = sweepPoints(axes).length;
  if (points > SWEEP_LIMITS.maxPoints) {
    problems.push({ path: ['axes'], problem: `makes ${points} points (the product of the axes), more than ${SWEEP_LIMITS.maxPoints}`, hint: 'Split the sweep, or use fewer values per axis.' });
  }
  const total = points * (spec.requests + spec.warmup) * 2;
  if (total > MAX_SWEEP_REQUESTS) {
    problems.push({ path: ['requests'], problem: `the sweep would send ${total} requests (${points} points × ${spec.requests + spec.warmup} × 2 sides), more than ${MAX_SWEEP_REQUESTS}`, hint: 'Lower requests: or the number of points.' });
  }
  const baseDir = path.resolve(options.baseDir);
  const inputs: LoadedSweepSpec['inputs'] = [];
  for (const [i, w] of written.entries()) {
    const absolute = path.resolve(baseDir, w);
    const check = await checkInputImage(w, absolute, options.suggestWithin);
    const where: FieldPath = f.images ? ['images', i] : ['image'];
    if (!check.ok) problems.push({ path: where, problem: check.problem, hint: check.hint });
    else inputs.push({ written: w, absolute, info: check.info });
  }
  if (problems.length > 0) throw new SuiteError(toIssues(problems));
  const ok = SweepSpecSchema.safeParse(spec);
  if (!ok.success) {
    throw new SuiteError(toIssues(ok.error.issues.map((i) => ({ path: fieldPathOf(i.path), problem: i.message, hint: 'See docs/sweep-format.md.' }))));
  }
  return { spec: ok.data, inputs, file: options.fileName, simTimeScale: f.sim_time_scale ?? null };
}
