/**
 * Run against run (issue 13 "Compare runs"): the question asked after every optimization step, "did it get
 * faster, and did the pictures or the verdicts change?". Pure and isomorphic: the engine (core/reports/run-compare)
 * feeds it two reports and the pixel diffs it measured; the CLI, the app and the three output formats read the one
 * `RunComparison` it returns (compare.json is that object, validated by RunComparisonSchema).
 *
 * - Pairs are matched by case id, turn and repeat. What did not match is listed, never dropped silently.
 * - Speed: per category and per stage, each side against **itself** in the other run (A before vs A after), like
 *   for like: a stage counts only in pairs where both runs report it for that side and both jobs are ok.
 *   `ratio` = after / before (> 1: slower), worded through shared/speedup.ts ("A 1.31× slower").
 * - Verdicts: each run's latest verdict per reviewer (shared/review-stats.ts), skips left out; a pair whose
 *   reviewers disagree reads "reviewers disagree".
 * - Text pass/fail (issue 11's OCR): optional, through `TextPassReader`; the column is left out when neither run
 *   carries text results.
 */
import { z } from 'zod';
import { CategorySchema, type Category, type Side, type Verdict } from './model.ts';
import type { Report, ReportPair } from './report.ts';
import { JUDGEMENT_LABELS, latestByReviewer, type Judgement } from './review-stats.ts';
import { formatSpeedChange } from './speedup.ts';
import { orderedStageNames } from './stages.ts';
import { COMPARED_STAGES } from './timing-breakdown.ts';
import { percentile } from './stats.ts';
import { formatCount, formatDuration, formatPercent } from './units.ts';

export const RUN_COMPARE_SCHEMA_VERSION = 1;
const SIDES = ['A', 'B'] as const;
const COMPARED = new Set<string>(COMPARED_STAGES);

// ---------------------------------------------------------------------------------------------------------
// Schema (compare.json and the `runs:compare` answer)
// ---------------------------------------------------------------------------------------------------------

const RunRefSchema = z
  .object({
    id: z.string(),
    /** The folder as the user named it (display only). */
    dir: z.string(),
    suite: z.string(),
    createdAt: z.string(),
    status: z.string(),
    backends: z.record(z.enum(SIDES), z.object({ label: z.string(), simulated: z.boolean(), faults: z.string() }).strict()),
  })
  .strict();
export type RunRef = z.infer<typeof RunRefSchema>;

const PairRefSchema = z
  .object({ caseId: z.string(), turn: z.number().int(), repeat: z.number().int(), title: z.string().nullable(), category: CategorySchema })
  .strict();
export type PairRef = z.infer<typeof PairRefSchema>;

export const PIXEL_CHANGE_STATES = ['identical', 'changed', 'size-changed', 'missing', 'failed'] as const;

/** One side's output in the first run against the same side's output in the second. */
export const PixelChangeSchema = z
  .object({
    state: z.enum(PIXEL_CHANGE_STATES),
    /** Share of pixels that differ (pixelmatch, core/compare); null when not measured. */
    ratio: z.number().nullable(),
    pixels: z.number().int().nullable(),
    /** Output images, relative to each run folder; null when that job has no image. */
    before: z.string().nullable(),
    after: z.string().nullable(),
    /** Thumbnails and heatmap, relative to the comparison's folder (or data: URLs in the app); null when not made. */
    thumbs: z.object({ before: z.string().nullable(), after: z.string().nullable(), heatmap: z.string().nullable() }).strict().nullable(),
    /** Why not measured (a missing image, a decode failure), one line. */
    note: z.string().nullable(),
  })
  .strict();
export type PixelChange = z.infer<typeof PixelChangeSchema>;

const BeforeAfter = <T extends z.ZodType>(t: T) => z.object({ before: t, after: t }).strict();

export const ComparedPairSchema = PairRefSchema.extend({
  /** The pair's key in the second run. */
  key: z.string(),
  promptChanged: z.boolean(),
  verdict: z.object({ before: z.string().nullable(), after: z.string().nullable(), changed: z.boolean() }).strict(),
  /** Per side text pass/fail; null when neither run has text results for this pair. */
  text: z.record(z.enum(SIDES), z.object({ before: z.boolean().nullable(), after: z.boolean().nullable(), changed: z.boolean() }).strict()).nullable(),
  status: z.record(z.enum(SIDES), BeforeAfter(z.string())),
  e2eMs: z.record(z.enum(SIDES), BeforeAfter(z.number().nullable())),
  pixels: z.record(z.enum(SIDES), PixelChangeSchema),
}).strict();
export type ComparedPair = z.infer<typeof ComparedPairSchema>;

export const SpeedRowSchema = z
  .object({
    /** `e2e` (client-measured) or a stage's canonical name. */
    stage: z.string(),
    /** Pairs this row's figures come from (both jobs ok and the stage reported in both runs). */
    n: z.number().int(),
    p50: BeforeAfter(z.number().nullable()),
    p95: BeforeAfter(z.number().nullable()),
    /** after / before on p50: > 1 slower, < 1 faster; null without both. */
    ratio: z.number().nullable(),
    /** "A 1.31× slower" (shared/speedup.ts formatSpeedChange); null without both. */
    change: z.string().nullable(),
  })
  .strict();
export type SpeedRow = z.infer<typeof SpeedRowSchema>;

export const SpeedGroupSchema = z
  .object({ category: z.union([z.literal('all'), CategorySchema]), side: z.enum(SIDES), rows: z.array(SpeedRowSchema) })
  .strict();
export type SpeedGroup = z.infer<typeof SpeedGroupSchema>;

export const RunComparisonSchema = z
  .object({
    schemaVersion: z.literal(RUN_COMPARE_SCHEMA_VERSION),
    generatedAt: z.string(),
    tool: z.object({ name: z.literal('omni-review'), version: z.string() }).strict(),
    before: RunRefSchema,
    after: RunRefSchema,
    headline: z.string(),
    /** Things the reader must know before trusting the figures (another suite, cases only in one run, prompts changed). */
    warnings: z.array(z.string()),
    matching: z
      .object({ matched: z.number().int(), onlyBefore: z.array(PairRefSchema), onlyAfter: z.array(PairRefSchema) })
      .strict(),
    speed: z.array(SpeedGroupSchema),
    totals: z
      .object({
        verdictChanged: z.number().int(),
        /** Pairs with a verdict in both runs. */
        verdictCompared: z.number().int(),
        /** null when neither run carries text results. */
        textChanged: z.number().int().nullable(),
        pictures: z.record(z.enum(SIDES), z.object({ changed: z.number().int(), compared: z.number().int() }).strict()),
      })
      .strict(),
    pairs: z.array(ComparedPairSchema),
  })
  .strict();
export type RunComparison = z.infer<typeof RunComparisonSchema>;

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

export interface MatchedPair {
  before: ReportPair;
  after: ReportPair;
}

export interface PairMatch {
  matched: MatchedPair[];
  onlyBefore: PairRef[];
  onlyAfter: PairRef[];
  warnings: string[];
}

/** Two runs that share no case cannot be compared: the message says what to pass instead. */
export class RunCompareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunCompareError';
  }
}

function matchKey(p: Pick<ReportPair, 'caseId' | 'turn' | 'repeat'>): string {
  return `${p.caseId}\u0000${p.turn}\u0000${p.repeat}`;
}

function ref(p: ReportPair): PairRef {
  return { caseId: p.caseId, turn: p.turn, repeat: p.repeat, title: p.title, category: p.category };
}

function describeRefs(refs: readonly PairRef[], limit = 5): string {
  const names = refs.slice(0, limit).map((r) => (r.turn > 1 ? `${r.caseId} turn ${r.turn}` : r.caseId));
  return refs.length > limit ? `${names.join(', ')} and ${formatCount(refs.length - limit)} more` : names.join(', ');
}

/** Match the pairs of two runs by case id, turn and repeat; throw RunCompareError when nothing matches. */
export function matchPairs(before: Report, after: Report): PairMatch {
  const warnings: string[] = [];
  const suiteA = before.run.suite.name;
  const suiteB = after.run.suite.name;
  const byKey = new Map(after.pairs.map((p) => [matchKey(p), p]));
  const matched: MatchedPair[] = [];
  const onlyBefore: PairRef[] = [];
  for (const p of before.pairs) {
    const q = byKey.get(matchKey(p));
    if (q) {
      matched.push({ before: p, after: q });
      byKey.delete(matchKey(p));
    } else onlyBefore.push(ref(p));
  }
  const onlyAfter = [...byKey.values()].map(ref);
  if (matched.length === 0) {
    throw new RunCompareError(
      suiteA === suiteB
        ? `the two runs of suite "${suiteA}" share no case (by case id, turn and repeat); compare two runs that sent the same cases`
        : `the runs are of different suites ("${suiteA}" and "${suiteB}") and share no case id; compare two runs of the same suite`,
    );
  }
  if (suiteA !== suiteB) {
    warnings.push(`different suites: "${suiteA}" (first run) and "${suiteB}" (second run); only the ${formatCount(matched.length)} pairs whose case id, turn and repeat match are compared`);
  }
  if (onlyBefore.length) warnings.push(`${formatCount(onlyBefore.length)} pairs only in the first run, not compared: ${describeRefs(onlyBefore)}`);
  if (onlyAfter.length) warnings.push(`${formatCount(onlyAfter.length)} pairs only in the second run, not compared: ${describeRefs(onlyAfter)}`);
  const changedPrompt = matched.filter((m) => m.before.prompt !== m.after.prompt).map((m) => ref(m.after));
  if (changedPrompt.length) {
    warnings.push(`${formatCount(changedPrompt.length)} matched pairs have a different prompt in the second run (the suite was edited): ${describeRefs(changedPrompt)}`);
  }
  return { matched, onlyBefore, onlyAfter, warnings };
}

// ---------------------------------------------------------------------------------------------------------
// Verdicts and text results
// ---------------------------------------------------------------------------------------------------------

/** The pair's verdict in one run: its reviewers' latest judgements (skips left out); "reviewers disagree" when they differ. */
export function pairVerdict(verdicts: readonly Verdict[]): string | null {
  const values = new Set(latestByReviewer(verdicts).map((v) => v.verdict).filter((v) => v !== 'skip'));
  if (values.size === 0) return null;
  if (values.size > 1) return 'reviewers disagree';
  return JUDGEMENT_LABELS[[...values][0] as Judgement];
}

/**
 * The seam for issue 11's OCR results: a side's text pass/fail in a report pair, null when it was not checked.
 * The default reads `pair[side].text.pass` (issue 11's ReportSide.text, a SideTextCheck) when the report carries it,
 * structurally so reports from before issue 11 still load; a report without text results leaves the text column out.
 * Pass another reader when the text-check results live elsewhere.
 */
export type TextPassReader = (pair: ReportPair, side: Side) => boolean | null;

export const defaultTextPass: TextPassReader = (pair, side) => {
  const text = (pair[side] as unknown as { text?: unknown }).text;
  if (typeof text !== 'object' || text === null) return null;
  const pass = (text as { pass?: unknown }).pass;
  return typeof pass === 'boolean' ? pass : null;
};

// ---------------------------------------------------------------------------------------------------------
// Speed
// ---------------------------------------------------------------------------------------------------------

function okTimings(p: ReportPair, side: Side): ReportPair['A']['timings'] | null {
  const s = p[side];
  return s.status === 'ok' && typeof s.timings.e2eMs === 'number' && Number.isFinite(s.timings.e2eMs) ? s.timings : null;
}

function row(stage: string, before: number[], after: number[], who: Side): SpeedRow {
  const p50b = percentile(before, 50);
  const p50a = percentile(after, 50);
  const ratio = p50b !== null && p50a !== null && p50b > 0 ? p50a / p50b : null;
  return {
    stage,
    n: before.length,
    p50: { before: p50b, after: p50a },
    p95: { before: percentile(before, 95), after: percentile(after, 95) },
    ratio,
    change: formatSpeedChange(p50b, p50a, who),
  };
}

/** Row key of the compared server stages' sum (shared/timing-breakdown.ts COMPARED_STAGES). */
export const SERVER_STAGES_ROW = 'server';

/**
 * e2e, the compared server stages' sum, and every stage both runs report for this side, over the matched pairs where
 * both jobs are ok. The server stages are the like-for-like figure: the server's own clock, untouched by the client
 * machine's load, which the client-measured e2e, upload and download are not.
 */
export function speedGroup(matched: readonly MatchedPair[], side: Side, category: Category | 'all'): SpeedGroup {
  const e2e: [number[], number[]] = [[], []];
  const server: [number[], number[]] = [[], []];
  const stages = new Map<string, [number[], number[]]>();
  for (const m of matched) {
    const tb = okTimings(m.before, side);
    const ta = okTimings(m.after, side);
    if (!tb || !ta) continue;
    e2e[0].push(tb.e2eMs as number);
    e2e[1].push(ta.e2eMs as number);
    let sb = 0;
    let sa = 0;
    let compared = 0;
    for (const [name, msBefore] of Object.entries(tb.stages)) {
      const msAfter = ta.stages[name];
      // Like for like: a stage only one run reports (another server, another config) is not put against nothing.
      if (typeof msAfter !== 'number' || !Number.isFinite(msAfter) || !Number.isFinite(msBefore)) continue;
      const lists = stages.get(name) ?? [[], []];
      lists[0].push(msBefore);
      lists[1].push(msAfter);
      stages.set(name, lists);
      if (COMPARED.has(name)) {
        sb += msBefore;
        sa += msAfter;
        compared++;
      }
    }
    if (compared > 0) {
      server[0].push(sb);
      server[1].push(sa);
    }
  }
  const rows = [row('e2e', e2e[0], e2e[1], side)];
  if (server[0].length > 0) rows.push(row(SERVER_STAGES_ROW, server[0], server[1], side));
  for (const name of orderedStageNames(stages.keys())) {
    const [b, a] = stages.get(name) as [number[], number[]];
    rows.push(row(name, b, a, side));
  }
  return { category, side, rows };
}

// ---------------------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------------------

export interface BuildComparisonInput {
  before: Report;
  after: Report;
  /** The folders as the user named them (display only). */
  dirs: { before: string; after: string };
  match: PairMatch;
  /** Pixel change per matched pair (key of the second run's pair) and side; missing = not measured. */
  pixels: ReadonlyMap<string, Partial<Record<Side, PixelChange>>>;
  textPass?: TextPassReader;
  generatedAt: string;
  toolVersion: string;
}

function runRef(r: Report, dir: string): RunRef {
  const b = r.run.backends;
  return {
    id: r.run.id,
    dir,
    suite: r.run.suite.name,
    createdAt: r.run.createdAt,
    status: r.run.status,
    backends: {
      A: { label: b.A.label, simulated: b.A.simulated, faults: b.A.faults },
      B: { label: b.B.label, simulated: b.B.simulated, faults: b.B.faults },
    },
  };
}

const NOT_MEASURED: PixelChange = { state: 'missing', ratio: null, pixels: null, before: null, after: null, thumbs: null, note: 'not measured' };

export function buildRunComparison(input: BuildComparisonInput): RunComparison {
  const { match } = input;
  const textPass = input.textPass ?? defaultTextPass;
  const hasText = match.matched.some((m) => SIDES.some((s) => textPass(m.before, s) !== null || textPass(m.after, s) !== null));

  const pairs: ComparedPair[] = match.matched.map(({ before, after }) => {
    const vb = pairVerdict(before.verdicts);
    const va = pairVerdict(after.verdicts);
    let text: ComparedPair['text'] = null;
    if (hasText) {
      const side = (s: Side) => {
        const b = textPass(before, s);
        const a = textPass(after, s);
        return { before: b, after: a, changed: b !== null && a !== null && a !== b };
      };
      const t = { A: side('A'), B: side('B') };
      if (SIDES.some((s) => t[s].before !== null || t[s].after !== null)) text = t;
    }
    const px = input.pixels.get(after.key) ?? {};
    return {
      ...ref(after),
      key: after.key,
      promptChanged: before.prompt !== after.prompt,
      verdict: { before: vb, after: va, changed: vb !== null && va !== null && vb !== va },
      text,
      status: { A: { before: before.A.status, after: after.A.status }, B: { before: before.B.status, after: after.B.status } },
      e2eMs: {
        A: { before: okTimings(before, 'A')?.e2eMs ?? null, after: okTimings(after, 'A')?.e2eMs ?? null },
        B: { before: okTimings(before, 'B')?.e2eMs ?? null, after: okTimings(after, 'B')?.e2eMs ?? null },
      },
      pixels: { A: px.A ?? NOT_MEASURED, B: px.B ?? NOT_MEASURED },
    };
  });

  const categories = [...new Set(match.matched.map((m) => m.after.category))];
  const speed: SpeedGroup[] = [];
  for (const category of ['all' as const, ...categories]) {
    const subset = category === 'all' ? match.matched : match.matched.filter((m) => m.after.category === category);
    for (const side of SIDES) speed.push(speedGroup(subset, side, category));
  }

  const pictures = {
    A: countPictures(pairs, 'A'),
    B: countPictures(pairs, 'B'),
  };
  const totals: RunComparison['totals'] = {
    verdictChanged: pairs.filter((p) => p.verdict.changed).length,
    verdictCompared: pairs.filter((p) => p.verdict.before !== null && p.verdict.after !== null).length,
    textChanged: hasText ? pairs.filter((p) => p.text !== null && SIDES.some((s) => p.text?.[s].changed)).length : null,
    pictures,
  };
  const comparison: RunComparison = {
    schemaVersion: RUN_COMPARE_SCHEMA_VERSION,
    generatedAt: input.generatedAt,
    tool: { name: 'omni-review', version: input.toolVersion },
    before: runRef(input.before, input.dirs.before),
    after: runRef(input.after, input.dirs.after),
    headline: '',
    warnings: [...match.warnings],
    matching: { matched: match.matched.length, onlyBefore: match.onlyBefore, onlyAfter: match.onlyAfter },
    speed,
    totals,
    pairs,
  };
  comparison.headline = comparisonHeadline(comparison);
  return comparison;
}

function countPictures(pairs: readonly ComparedPair[], side: Side): { changed: number; compared: number } {
  let changed = 0;
  let compared = 0;
  for (const p of pairs) {
    const s = p.pixels[side].state;
    if (s === 'identical' || s === 'changed' || s === 'size-changed') compared++;
    if (s === 'changed' || s === 'size-changed') changed++;
  }
  return { changed, compared };
}

// ---------------------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------------------

/** Stage names as words ("vae_decode" → "VAE decode"). */
export function stageLabel(stage: string): string {
  const known: Record<string, string> = {
    e2e: 'end to end',
    server: 'server stages (compared)',
    text_encode: 'text encoding',
    vae_encode: 'VAE encode',
    denoise: 'denoise',
    vae_decode: 'VAE decode',
    upload: 'upload',
    download: 'download',
    transfer: 'transfer',
    preprocess: 'preprocess',
    postprocess: 'postprocess',
    queue: 'queue',
  };
  return known[stage] ?? stage.replace(/_/g, ' ');
}

/** Category as words ("text-rendering" → "text rendering", "all" → "all pairs"). */
export function categoryLabel(category: Category | 'all'): string {
  return category === 'all' ? 'all pairs' : category.replace(/-/g, ' ');
}

/** Ratios within ±2 % of 1 are not called a change in the headline (the simulator's own jitter is ±3 % per stage). */
const HEADLINE_EVEN = 0.02;

type Direction = 'slower' | 'faster' | 'same';

function direction(r: SpeedRow | undefined): Direction | null {
  if (!r || r.ratio === null) return null;
  if (Math.abs(r.ratio - 1) < HEADLINE_EVEN) return 'same';
  return r.ratio > 1 ? 'slower' : 'faster';
}

/**
 * The stage that moved the most (largest |Δ p50| in ms) in the direction of the side's server-stage change, among
 * the compared stages; without server stages, among all stages in the direction of e2e.
 */
export function dominantStage(group: SpeedGroup): SpeedRow | null {
  const server = group.rows.find((r) => r.stage === SERVER_STAGES_ROW);
  const lead = server ?? group.rows[0];
  const dir = direction(lead);
  if (dir === null || dir === 'same') return null;
  const candidates = group.rows.filter((r) => r.stage !== 'e2e' && r.stage !== SERVER_STAGES_ROW && (!server || COMPARED.has(r.stage)));
  let best: SpeedRow | null = null;
  let bestDelta = 0;
  for (const r of candidates) {
    if (r.p50.before === null || r.p50.after === null) continue;
    const delta = r.p50.after - r.p50.before;
    if ((dir === 'slower' && delta > bestDelta) || (dir === 'faster' && -delta > bestDelta)) {
      best = r;
      bestDelta = Math.abs(delta);
    }
  }
  return best;
}

const wordsOf = (r: SpeedRow): string => (r.change ?? '').replace(/^[AB] /, '');

/**
 * "A got 1.40× slower end to end (p50 1,007 ms → 1,410 ms), 1.50× slower in its server stages, mostly in denoise
 * (1.68× slower)". e2e is what a user waits for but carries the client machine's load; the server stages are the
 * like-for-like figure, so both are said, and "but" marks where they disagree.
 */
function sideSpeedSentence(group: SpeedGroup): string | null {
  const e2e = group.rows[0];
  const de = direction(e2e);
  if (!e2e || de === null) return null;
  let text = de === 'same' ? `${group.side} kept its speed end to end (p50 ${formatDuration(e2e.p50.after)})` : `${group.side} got ${wordsOf(e2e)} end to end (p50 ${formatDuration(e2e.p50.before)} → ${formatDuration(e2e.p50.after)})`;
  const server = group.rows.find((r) => r.stage === SERVER_STAGES_ROW);
  const ds = direction(server);
  if (server && ds !== null) {
    const joint = ds === de ? ',' : ' but';
    text += ds === 'same' ? `${joint} the same in its server stages` : `${joint} ${wordsOf(server)} in its server stages`;
  }
  const stage = dominantStage(group);
  if (stage) text += `, mostly in ${stageLabel(stage.stage)} (${wordsOf(stage)})`;
  return text;
}

/** The one-paragraph answer, every figure from the comparison. */
export function comparisonHeadline(c: RunComparison): string {
  const parts: string[] = [];
  const all = c.speed.filter((g) => g.category === 'all');
  for (const g of all) {
    const s = sideSpeedSentence(g);
    if (s) parts.push(s);
  }
  if (parts.length === 0) parts.push('no pair finished on the same side in both runs, so speed is not compared');
  const t = c.totals;
  if (t.verdictCompared > 0) parts.push(`${formatCount(t.verdictChanged)} of ${formatCount(t.verdictCompared)} pairs judged in both runs changed verdict`);
  else parts.push('no pair has a verdict in both runs yet');
  if (t.textChanged !== null) parts.push(`${formatCount(t.textChanged)} pairs changed text pass/fail`);
  for (const side of SIDES) {
    const p = t.pictures[side];
    if (p.compared === 0) continue;
    parts.push(
      p.changed === 0
        ? `${side}'s pictures are unchanged in all ${formatCount(p.compared)} pairs`
        : `${side}'s pictures changed in ${formatCount(p.changed)} of ${formatCount(p.compared)} pairs`,
    );
  }
  const matched = `${formatCount(c.matching.matched)} pairs matched`;
  const unmatched = c.matching.onlyBefore.length + c.matching.onlyAfter.length;
  return `${parts.join('; ')}. (${matched}${unmatched ? `, ${formatCount(unmatched)} not matched` : ''}.)`;
}

/** "12.3 %" for a changed pair, "identical", or why it was not measured. */
export function describePixelChange(p: PixelChange): string {
  switch (p.state) {
    case 'identical':
      return p.note ? `identical (${p.note})` : 'identical';
    case 'changed':
      return `${formatPercent(p.ratio)} changed`;
    case 'size-changed':
      return `size changed${p.note ? ` (${p.note})` : ''}`;
    case 'missing':
      return p.note ?? 'no image';
    case 'failed':
      return `not compared: ${p.note ?? 'failed'}`;
  }
}

/** Pairs worth listing: a verdict, text result, status or picture that changed. */
export function changedPairs(c: RunComparison): ComparedPair[] {
  return c.pairs.filter(
    (p) =>
      p.verdict.changed ||
      (p.text !== null && SIDES.some((s) => p.text?.[s].changed)) ||
      SIDES.some((s) => p.status[s].before !== p.status[s].after) ||
      SIDES.some((s) => p.pixels[s].state === 'changed' || p.pixels[s].state === 'size-changed'),
  );
}

export function pairLabel(p: Pick<PairRef, 'caseId' | 'turn' | 'repeat'>): string {
  return `${p.caseId}${p.turn > 1 ? ` · turn ${p.turn}` : ''}${p.repeat > 1 ? ` · repeat ${p.repeat}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// The app's channel (`runs:compare` in shared/contract.ts)
// ---------------------------------------------------------------------------------------------------------

export const RunCompareRequestSchema = z
  .object({
    /** The first run (before) and the second (after), by id from `runs:list`. */
    beforeRunId: z.string().min(1).max(200),
    afterRunId: z.string().min(1).max(200),
  })
  .strict();
export type RunCompareRequest = z.infer<typeof RunCompareRequestSchema>;

export const RunCompareResponseSchema = z
  .object({
    /** Thumbnails come as data: URLs here (the renderer reaches files by id only, never by path). */
    comparison: RunComparisonSchema,
    /** Where compare.html, compare.md and compare.json were written (shown to the user). */
    dir: z.string(),
    files: z.object({ html: z.string(), md: z.string(), json: z.string() }).strict(),
  })
  .strict();
export type RunCompareResponse = z.infer<typeof RunCompareResponseSchema>;
