/**
 * Deterministic synthetic runs for the in-memory bridge: valid PairViews (checked against the contract's zod
 * schemas in a test) with the shapes real runs have — text-rendering posters with the odd typo, style
 * transfers, edits, 3-turn chains, generation without a source, backend errors, a size mismatch, per-stage
 * timings shaped like the performance notes (A's split pipeline faster in text_encode), peak memory, and
 * optionally verdicts already given. Images are small SVG scenes described here and drawn by svg-images.ts.
 *
 * Same options → same run, byte for byte, so tests and the UI bench can rely on it.
 */
import type { PairSideView, PairView, RunProgress, RunState, RunSummary } from '../../../shared/contract.ts';
import { pairKey, type Category, type JobError, type Side, type Verdict } from '../../../shared/model.ts';
import { mulberry32 } from '../../../shared/random.ts';

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------------------

/** 53-bit string hash (cyrb53): seeds and stable ids. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** mulberry32 (shared/random.ts): re-exported under the name the synthetic-data callers use. */
export const prng = mulberry32;

/** A stable 64-hex id for a name: the shape of the engine's sha256 image ids (not a real content hash). */
export function hexId(name: string): string {
  const rand = prng(hashString(name) % 4294967296);
  let out = '';
  for (let i = 0; i < 8; i++) out += Math.floor(rand() * 4294967296).toString(16).padStart(8, '0');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Image descriptions (drawn by svg-images.ts)
// ---------------------------------------------------------------------------------------------------------

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SyntheticImage {
  kind: 'scene' | 'heatmap';
  width: number;
  height: number;
  /** Scene layout and palette. */
  scene: number;
  hue: number;
  /** Text on the sign / poster, null for none. */
  text: string | null;
  style: 'none' | 'watercolor' | 'ink' | 'neon';
  /** Edit objects drawn on top. */
  objects: Array<'scarf' | 'sunset' | 'lamp' | 'night'>;
  /** Small per-backend drift: hue shift in degrees and a text offset in px. */
  drift: number;
  /** Heatmaps: changed regions in image pixels. */
  regions: Rect[];
}

// ---------------------------------------------------------------------------------------------------------
// Case templates
// ---------------------------------------------------------------------------------------------------------

interface TurnTemplate {
  prompt: string;
  text?: string;
  style?: SyntheticImage['style'];
  object?: SyntheticImage['objects'][number];
}

interface CaseTemplate {
  category: Category;
  prefix: string;
  title: string;
  tags: string[];
  turns: TurnTemplate[];
  generation?: boolean;
}

const TEXT_CASES: CaseTemplate[] = [
  { category: 'text-rendering', prefix: 'sign', title: 'Shop sign, English', tags: ['sign', 'en'], turns: [{ prompt: 'Change the shop sign to read "GRAND OPENING" in bold white letters', text: 'GRAND OPENING' }] },
  { category: 'text-rendering', prefix: 'poster', title: 'New-year poster, Chinese', tags: ['poster', 'zh'], turns: [{ prompt: 'Add the title “新年快乐” in red calligraphy at the top of the poster', text: '新年快乐' }] },
  { category: 'text-rendering', prefix: 'banner', title: 'Sale banner', tags: ['banner', 'en'], turns: [{ prompt: 'Write "SALE 50% OFF" across the banner', text: 'SALE 50% OFF' }] },
  { category: 'text-rendering', prefix: 'door', title: 'Welcome sign, Chinese', tags: ['sign', 'zh'], turns: [{ prompt: 'Put the text “欢迎光临” above the door', text: '欢迎光临' }] },
  { category: 'text-rendering', prefix: 'menu', title: 'Café menu board', tags: ['menu', 'en'], turns: [{ prompt: 'Replace the board text with "Café Lumière — espresso 3€"', text: 'Café Lumière' }] },
];
const STYLE_CASES: CaseTemplate[] = [
  { category: 'style-transfer', prefix: 'style-wc', title: 'Watercolor', tags: ['style'], turns: [{ prompt: 'Turn the photo into a soft watercolor painting', style: 'watercolor' }] },
  { category: 'style-transfer', prefix: 'style-ink', title: 'Ink wash', tags: ['style'], turns: [{ prompt: 'Make it look like a Chinese ink wash painting', style: 'ink' }] },
  { category: 'style-transfer', prefix: 'style-neon', title: 'Neon night', tags: ['style'], turns: [{ prompt: 'Restyle as a neon-lit cyberpunk street at night', style: 'neon' }] },
];
const EDIT_CASES: CaseTemplate[] = [
  { category: 'edit', prefix: 'edit-scarf', title: 'Add a scarf', tags: ['add'], turns: [{ prompt: 'Add a red knitted scarf to the cat', object: 'scarf' }] },
  { category: 'edit', prefix: 'edit-sky', title: 'Sunset sky', tags: ['replace'], turns: [{ prompt: 'Replace the sky with a warm sunset', object: 'sunset' }] },
  { category: 'edit', prefix: 'edit-lamp', title: 'Street lamp', tags: ['add'], turns: [{ prompt: 'Add a vintage street lamp on the left', object: 'lamp' }] },
];
const MULTI_CASES: CaseTemplate[] = [
  {
    category: 'multi-turn',
    prefix: 'chain',
    title: 'Sign, then text, then night',
    tags: ['chain', 'en'],
    turns: [
      { prompt: 'Add a wooden sign next to the entrance', text: '' },
      { prompt: 'Write "OPEN" on the wooden sign', text: 'OPEN' },
      { prompt: 'Make it night time, keep the sign readable', text: 'OPEN', object: 'night' },
    ],
  },
];
const GEN_CASES: CaseTemplate[] = [
  { category: 'generation', prefix: 'gen-poster', title: 'Festival poster', tags: ['poster', 'en'], generation: true, turns: [{ prompt: 'A summer festival poster with palm trees that says "SUMMER FEST 2025"', text: 'SUMMER FEST 2025' }] },
];

/** Mix: text rendering dominates, as in the team's quality review. */
const MIX: Array<{ weight: number; cases: CaseTemplate[] }> = [
  { weight: 0.45, cases: TEXT_CASES },
  { weight: 0.15, cases: STYLE_CASES },
  { weight: 0.15, cases: EDIT_CASES },
  { weight: 0.15, cases: MULTI_CASES },
  { weight: 0.1, cases: GEN_CASES },
];

const TYPOS: Record<string, string> = {
  'GRAND OPENING': 'GRAND OPENIMG',
  '新年快乐': '新年快东',
  'SALE 50% OFF': 'SALE 5O% OF',
  '欢迎光临': '欢迎光',
  'Café Lumière': 'Cafe Lumiere',
  OPEN: 'OPFN',
  'SUMMER FEST 2025': 'SUMMER FEST 2O25',
};

// ---------------------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------------------

export interface SyntheticRunOptions {
  /** Exact number of pairs (case × turn × repeat). */
  pairs: number;
  seed?: number;
  id?: string;
  suiteName?: string;
  createdAt?: string;
  dir?: string;
  /** Share of pairs that already carry a verdict from `priorReviewer`. */
  reviewedFraction?: number;
  priorReviewer?: string;
  /** Share of jobs that failed (per side). */
  errorRate?: number;
  simulated?: boolean;
  size?: string;
  repeats?: number;
  state?: RunState;
}

export interface SyntheticRun {
  summary: RunSummary;
  pairs: PairView[];
  images: Map<string, SyntheticImage>;
}

export function makeSyntheticRun(options: SyntheticRunOptions): SyntheticRun {
  const seed = options.seed ?? 1;
  const rand = prng(seed * 7919 + 17);
  const id = options.id ?? `demo-${seed}`;
  const size = options.size ?? '1024x1024';
  const [width, height] = size.split('x').map(Number) as [number, number];
  const repeats = Math.max(1, options.repeats ?? 1);
  const errorRate = options.errorRate ?? 0.02;
  const reviewedFraction = options.reviewedFraction ?? 0;
  const priorReviewer = options.priorReviewer ?? 'alice';
  const createdAt = options.createdAt ?? new Date(Date.UTC(2025, 5, 2, 9, 0, 0) + seed * 3_600_000).toISOString();
  const images = new Map<string, SyntheticImage>();
  const pairs: PairView[] = [];
  const counters = new Map<string, number>();

  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const between = (lo: number, hi: number): number => lo + rand() * (hi - lo);
  const chooseTemplate = (): CaseTemplate => {
    let r = rand();
    for (const m of MIX) {
      if (r < m.weight) return pick(m.cases);
      r -= m.weight;
    }
    return pick(MIX[0]!.cases);
  };
  const addImage = (name: string, image: SyntheticImage): string => {
    const imageId = hexId(`${id}/${name}`);
    images.set(imageId, image);
    return imageId;
  };

  let caseIndex = 0;
  while (pairs.length < options.pairs) {
    const template = chooseTemplate();
    const n = (counters.get(template.prefix) ?? 0) + 1;
    counters.set(template.prefix, n);
    const caseId = `${template.prefix}-${String(n).padStart(3, '0')}`;
    const scene = caseIndex % 6;
    const hue = Math.floor(rand() * 360);
    caseIndex++;
    const inputId = template.generation
      ? null
      : addImage(`${caseId}/input`, { kind: 'scene', width, height, scene, hue, text: null, style: 'none', objects: [], drift: 0, regions: [] });

    for (let repeat = 1; repeat <= repeats && pairs.length < options.pairs; repeat++) {
      const turnsLeft = options.pairs - pairs.length;
      const turns = Math.min(template.turns.length, turnsLeft);
      const state: Record<Side, { previous: string | null; failed: boolean; objects: SyntheticImage['objects']; style: SyntheticImage['style'] }> = {
        A: { previous: inputId, failed: false, objects: [], style: 'none' },
        B: { previous: inputId, failed: false, objects: [], style: 'none' },
      };
      for (let turn = 1; turn <= turns; turn++) {
        const t = template.turns[turn - 1]!;
        const key = pairKey(caseId, turn, repeat);
        const expectedText = quoted(t.prompt);
        const typoSide: Side | null = t.text && rand() < 0.22 ? (rand() < 0.55 ? 'A' : 'B') : null;
        const mismatchSide: Side | null = rand() < 0.01 ? 'B' : null;
        const sides = {} as Record<Side, PairSideView>;
        for (const side of ['A', 'B'] as const) {
          const st = state[side];
          const sourceId = st.previous;
          if (st.failed) {
            sides[side] = emptySide('skipped', sourceId, { kind: 'skipped', message: `skipped: an earlier turn of ${caseId} failed on ${side}`, retryable: false });
            continue;
          }
          if (rand() < errorRate) {
            st.failed = true;
            sides[side] = emptySide('error', sourceId, makeError(side, rand));
            continue;
          }
          if (t.object) st.objects = [...st.objects, t.object];
          if (t.style) st.style = t.style;
          const text = t.text === undefined ? null : t.text === '' ? '' : side === typoSide ? (TYPOS[t.text] ?? t.text) : t.text;
          // A "wrong size" fault: the backend answered 4:3 for a square request.
          const w = width;
          const h = side === mismatchSide ? Math.round((height * 3) / 4 / 16) * 16 : height;
          const imageId = addImage(`${key}/${side}`, {
            kind: 'scene',
            width: w,
            height: h,
            scene,
            hue,
            text,
            style: st.style,
            objects: st.objects,
            drift: side === 'B' ? between(1.5, 4) : 0,
            regions: [],
          });
          st.previous = imageId;
          const region = editRegion(t, width, height);
          const vsRatio = template.generation ? null : Number(between(0.02, 0.3).toFixed(5));
          sides[side] = {
            status: 'ok',
            error: null,
            imageId,
            sourceId,
            width: w,
            height: h,
            ...timings(side, template, rand, between),
            endpoint: template.generation ? 'POST /v1/images/generations' : 'POST /v1/images/edits',
            attempts: rand() < 0.03 ? 2 : 1,
            vsSource:
              sourceId === null
                ? null
                : {
                    ratio: vsRatio,
                    heatmapId: addImage(`${key}/${side}/vs-source`, heatmap(w, h, scene, hue, [region])),
                    bounds: region,
                  },
          };
        }
        const diff = makeDiff(key, sides, typoSide, width, height, scene, hue, t, rand, addImage);
        const pair: PairView = {
          key,
          caseId,
          title: template.title,
          category: template.category,
          tags: template.tags,
          turn,
          turns,
          repeat,
          prompt: t.prompt,
          negativePrompt: null,
          expectedText,
          A: sides.A,
          B: sides.B,
          diff,
          verdicts: [],
          blindSwap: hashString(`${id}/${key}`) % 2 === 1,
        };
        if (rand() < reviewedFraction) pair.verdicts.push(priorVerdict(pair, priorReviewer, typoSide, createdAt, pairs.length, rand));
        pairs.push(pair);
      }
    }
  }

  const state = options.state ?? (pairs.some((p) => p.A.status === 'error' || p.B.status === 'error') ? 'partial' : 'complete');
  const simulated = options.simulated ?? true;
  const summary: RunSummary = {
    id,
    dir: options.dir ?? `~/.omni-review/runs/${id}`,
    suiteName: options.suiteName ?? 'demo',
    createdAt,
    state,
    message: state === 'partial' ? 'finished with errors: some jobs failed (see the Errors bucket)' : null,
    backends: {
      A: {
        kind: 'vllm-omni',
        label: simulated ? 'vLLM-Omni (simulated)' : 'vLLM-Omni',
        url: simulated ? 'http://127.0.0.1:8091' : 'http://gpu-a:8091',
        simulated,
        path: 'current: POST /v1/images/edits',
      },
      B: {
        kind: 'diffusers',
        label: simulated ? 'diffusers baseline (simulated)' : 'diffusers baseline',
        url: simulated ? 'http://127.0.0.1:8092' : 'http://gpu-b:8092',
        simulated,
        path: 'baseline: POST /v1/images/edits',
      },
    },
    progress: progressOf(pairs, null),
    pairs: pairs.length,
    reviewed: pairs.filter((p) => p.verdicts.length > 0).length,
  };
  return { summary, pairs, images };
}

/** Counts per backend from the pairs' job statuses (one job per side per pair). */
export function progressOf(pairs: readonly PairView[], etaMs: number | null): RunProgress {
  const side = (s: Side) => {
    let ok = 0;
    let error = 0;
    let running = 0;
    let skipped = 0;
    for (const p of pairs) {
      const status = p[s].status;
      if (status === 'ok') ok++;
      else if (status === 'error') error++;
      else if (status === 'running') running++;
      else if (status === 'skipped') skipped++;
    }
    return { total: pairs.length, done: ok + error + skipped, ok, error, running };
  };
  const finished = (st: PairSideView['status']) => st === 'ok' || st === 'error' || st === 'skipped';
  return {
    A: side('A'),
    B: side('B'),
    compare: { total: pairs.length, done: pairs.filter((p) => finished(p.A.status) && finished(p.B.status)).length },
    etaMs,
  };
}

function quoted(prompt: string): string[] {
  const out: string[] = [];
  for (const m of prompt.matchAll(/"([^"]+)"|“([^”]+)”/g)) out.push((m[1] ?? m[2] ?? '').trim());
  return out.filter((s) => s !== '');
}

function emptySide(status: 'error' | 'skipped', sourceId: string | null, error: JobError): PairSideView {
  return {
    status,
    error,
    imageId: null,
    sourceId,
    width: null,
    height: null,
    e2eMs: null,
    stages: {},
    denoiseStepsMs: null,
    peakMemoryMb: null,
    endpoint: null,
    attempts: status === 'error' ? 3 : 0,
    vsSource: null,
  };
}

function makeError(side: Side, rand: () => number): JobError {
  const port = side === 'A' ? 8091 : 8092;
  const url = `http://127.0.0.1:${port}/v1/images/edits`;
  if (rand() < 0.5) {
    return {
      kind: 'http',
      message: `HTTP 500 from ${url}: CUDA out of memory. Tried to allocate 2.00 GiB. Lower the size or concurrency, then resume the run`,
      httpStatus: 500,
      url,
      retryable: true,
    };
  }
  return {
    kind: 'timeout',
    message: `no answer from ${url} within 300 s (3 attempts); raise the timeout or check the server log`,
    url,
    retryable: true,
  };
}

function timings(side: Side, template: CaseTemplate, rand: () => number, between: (lo: number, hi: number) => number) {
  const steps = 40;
  const slow = rand() < 0.06 ? between(1.3, 1.8) : 1;
  const denoise = between(15_000, 21_000) * slow * (side === 'A' ? 0.97 : 1);
  const stages: Record<string, number> = {
    queue: between(2, side === 'A' ? 40 : 900),
    upload: between(15, 60),
    preprocess: between(20, 45),
    text_encode: side === 'A' ? between(300, 420) : between(1100, 1400),
  };
  if (!template.generation) stages.vae_encode = between(120, 180);
  stages.denoise = denoise;
  if (side === 'A') stages.transfer = between(35, 90);
  stages.vae_decode = between(450, 700);
  stages.postprocess = between(40, 90);
  stages.download = between(15, 50);
  for (const k of Object.keys(stages)) stages[k] = Math.round(stages[k]! * 10) / 10;
  const sum = Object.values(stages).reduce((a, b) => a + b, 0);
  const e2eMs = Math.round((sum + between(5, 30)) * 10) / 10;
  const perStep = denoise / steps;
  const denoiseStepsMs = side === 'B' ? Array.from({ length: steps }, (_, i) => Math.round(perStep * (i === 0 ? 1.4 : between(0.97, 1.03)) * 10) / 10) : null;
  const peakMemoryMb = Math.round(side === 'A' ? between(40_000, 44_000) : between(57_500, 60_500));
  return { e2eMs, stages, denoiseStepsMs, peakMemoryMb };
}

function editRegion(t: TurnTemplate, width: number, height: number): Rect {
  const s = width / 256;
  if (t.text !== undefined) return { x: Math.round(48 * s), y: Math.round(40 * s), width: Math.round(160 * s), height: Math.round(44 * s) };
  if (t.object === 'sunset' || t.object === 'night') return { x: 0, y: 0, width, height: Math.round(height * 0.55) };
  if (t.object === 'lamp') return { x: Math.round(14 * s), y: Math.round(90 * s), width: Math.round(40 * s), height: Math.round(150 * s) };
  if (t.object === 'scarf') return { x: Math.round(100 * s), y: Math.round(150 * s), width: Math.round(70 * s), height: Math.round(40 * s) };
  return { x: 0, y: 0, width, height };
}

function heatmap(width: number, height: number, scene: number, hue: number, regions: Rect[]): SyntheticImage {
  return { kind: 'heatmap', width, height, scene, hue, text: null, style: 'none', objects: [], drift: 0, regions };
}

function makeDiff(
  key: string,
  sides: Record<Side, PairSideView>,
  typoSide: Side | null,
  width: number,
  height: number,
  scene: number,
  hue: number,
  t: TurnTemplate,
  rand: () => number,
  addImage: (name: string, image: SyntheticImage) => string,
): PairView['diff'] {
  const a = sides.A;
  const b = sides.B;
  if (a.status !== 'ok' || b.status !== 'ok') return null;
  if (a.width !== b.width || a.height !== b.height) {
    return {
      pixels: null,
      ratio: null,
      heatmapId: null,
      bounds: null,
      ssim: Number((0.55 + rand() * 0.2).toFixed(4)),
      psnr: Number((14 + rand() * 4).toFixed(2)),
      identical: false,
      sizeMismatch: { first: `${a.width}x${a.height}`, second: `${b.width}x${b.height}` },
    };
  }
  if (rand() < 0.03) {
    return { pixels: 0, ratio: 0, heatmapId: null, bounds: null, ssim: 1, psnr: null, identical: true, sizeMismatch: null };
  }
  // Most pairs differ by localized numeric drift; typos and style runs differ more.
  let ratio = 0.0005 + rand() * 0.006;
  if (typoSide) ratio += 0.004 + rand() * 0.01;
  if (t.style) ratio += 0.02 + rand() * 0.2;
  if (rand() < 0.05) ratio += 0.05 + rand() * 0.3;
  ratio = Number(ratio.toFixed(5));
  const region = editRegion(t, width, height);
  return {
    pixels: Math.round(ratio * width * height),
    ratio,
    heatmapId: addImage(`${key}/diff`, heatmap(width, height, scene, hue, [region])),
    bounds: region,
    ssim: Number(Math.max(0.3, 1 - ratio * 1.8 - rand() * 0.01).toFixed(4)),
    psnr: Number((46 - ratio * 120 - rand() * 4).toFixed(2)),
    identical: false,
    sizeMismatch: null,
  };
}

function priorVerdict(pair: PairView, reviewer: string, typoSide: Side | null, createdAt: string, index: number, rand: () => number): Verdict {
  let verdict: Verdict['verdict'];
  const tags: string[] = [];
  if (pair.A.status !== 'ok' || pair.B.status !== 'ok') verdict = 'skip';
  else if (typoSide) {
    verdict = typoSide === 'A' ? 'B_better' : 'A_better';
    tags.push(/[\u3400-\u9fff]/.test(pair.expectedText.join('')) ? 'text.missing' : 'text.misspelled');
  } else {
    const r = rand();
    verdict = r < 0.55 ? 'tie' : r < 0.75 ? 'A_better' : r < 0.92 ? 'B_better' : 'both_bad';
    if (verdict === 'both_bad') tags.push(pick2(rand, ['artifact.blur', 'edit.over_edit', 'style.not_applied']));
  }
  return {
    id: `v-${hexId(`${pair.key}/prior`).slice(0, 16)}`,
    pairKey: pair.key,
    reviewer,
    verdict,
    tags,
    note: '',
    blind: false,
    swapped: false,
    durationMs: Math.round(2000 + rand() * 9000),
    createdAt: new Date(Date.parse(createdAt) + 3_600_000 + index * 7_000).toISOString(),
  };
}

function pick2<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}
