/**
 * An in-memory ReviewApi that behaves like the engine, for unit tests, storybook-style development
 * (`?bridge=memory`, see bridge/index.ts) and the UI bench. It validates every request and response with the
 * contract's zod schemas (as core/rpc does), appends and undoes verdicts, requires a reviewer name, keeps
 * settings, checks suite YAML, runs suites with per-backend progress events, cancels, resumes, and exports.
 * Data comes from the deterministic synthetic generator; images are SVG data URLs.
 *
 * Answers are deep copies, as a real transport's would be, so callers cannot mutate engine state by accident.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import {
  CONTRACT,
  type BackendTarget,
  type Channel,
  type PairView,
  type ParsedRequestOf,
  type RequestOf,
  type ResponseOf,
  type ReviewApi,
  type RpcErrorBody,
  type RunSummary,
  type Settings,
  type SuiteEntry,
  type UiEvent,
} from '../../../shared/contract.ts';
import { CATEGORIES, pairKey, type Verdict } from '../../../shared/model.ts';
import { ApiError } from './errors.ts';
import { renderSvg, svgDataUrl } from './svg-images.ts';
import { makeSyntheticRun, progressOf, type SyntheticImage, type SyntheticRunOptions } from './synthetic.ts';

export { makeSyntheticRun, progressOf, type SyntheticRun, type SyntheticRunOptions } from './synthetic.ts';

export type Scheduler = (fn: () => void, ms: number) => () => void;

export interface MemoryApiOptions {
  /** Runs present at start (default: one 240-pair demo run). */
  runs?: SyntheticRunOptions[];
  settings?: Partial<Settings>;
  suites?: SuiteEntry[];
  /** Folders `runs:open` can open, and the run each one holds. */
  openable?: Record<string, SyntheticRunOptions>;
  /** Drives started runs (default setTimeout). Tests pass a manual one and call `step()`. */
  scheduler?: Scheduler;
  tickMs?: number;
  /** Artificial latency per call (ms), to see saving states in development. */
  latencyMs?: number;
  /** Validate answers against the contract too (default true). */
  validateResponses?: boolean;
  now?: () => number;
}

export interface MemoryApi extends ReviewApi {
  /** Make the next call on `channel` fail with this error (tests of failure paths). */
  failNext(channel: Channel, error: RpcErrorBody): void;
  /** Every call made, in order. */
  readonly calls: Array<{ channel: Channel; request: unknown }>;
  /** Advance every running run by one scheduling step. */
  step(): void;
  /** Push an event to subscribers (tests). */
  emit(event: UiEvent): void;
  /** Stop timers. */
  close(): void;
}

interface MemoryRun {
  summary: RunSummary;
  /** What the run will end with. */
  final: PairView[];
  /** What it has now (jobs revealed as they "finish"). */
  live: PairView[];
  index: Map<string, number>;
  images: Map<string, SyntheticImage>;
  concurrency: { A: number; B: number };
  cancelTimer: (() => void) | null;
}

export const DEFAULT_SUITES: SuiteEntry[] = [
  {
    path: 'fixtures/suites/demo.yaml',
    name: 'demo',
    cases: 24,
    categories: { 'text-rendering': 11, 'style-transfer': 4, edit: 4, 'multi-turn': 3, generation: 2 },
    description: 'Text rendering (EN/ZH), style transfer, edits and a multi-turn chain on the bundled photos',
  },
  {
    path: 'fixtures/suites/text-rendering.yaml',
    name: 'text-rendering',
    cases: 40,
    categories: { 'text-rendering': 40 },
    description: 'Posters and signs in English and Chinese',
  },
];

const DEFAULT_RUNS: SyntheticRunOptions[] = [{ id: 'demo-1', pairs: 240, seed: 1, suiteName: 'demo', reviewedFraction: 0.12 }];

export function createMemoryApi(options: MemoryApiOptions = {}): MemoryApi {
  const now = options.now ?? (() => Date.now());
  const tickMs = options.tickMs ?? 250;
  const validateResponses = options.validateResponses ?? true;
  const scheduler: Scheduler =
    options.scheduler ??
    ((fn, ms) => {
      const id = setTimeout(fn, ms);
      return () => clearTimeout(id);
    });
  let settings: Settings = { reviewer: '', blindByDefault: false, ...options.settings };
  const suites = options.suites ?? DEFAULT_SUITES;
  const openable = options.openable ?? {
    '/tmp/omni-review/cli-run': { id: 'cli-run', pairs: 48, seed: 7, suiteName: 'text-rendering', dir: '/tmp/omni-review/cli-run' },
  };
  const runs = new Map<string, MemoryRun>();
  const listeners = new Set<(event: UiEvent) => void>();
  const failures = new Map<Channel, RpcErrorBody>();
  const exports = new Map<string, string>();
  const svgCache = new Map<string, string>();
  const calls: Array<{ channel: Channel; request: unknown }> = [];
  let counter = 0;
  let runCounter = 0;
  let lastVerdictAt = 0;

  function addRun(opts: SyntheticRunOptions, live?: (final: PairView[]) => PairView[]): MemoryRun {
    const synthetic = makeSyntheticRun(opts);
    const final = synthetic.pairs;
    const pairs = live ? live(final) : final.map((p) => structuredClone(p));
    const run: MemoryRun = {
      summary: synthetic.summary,
      final,
      live: pairs,
      index: new Map(pairs.map((p, i) => [p.key, i])),
      images: synthetic.images,
      concurrency: { A: 2, B: 2 },
      cancelTimer: null,
    };
    runs.set(run.summary.id, run);
    return run;
  }
  for (const r of options.runs ?? DEFAULT_RUNS) addRun(r);

  function emit(event: UiEvent): void {
    const copy = structuredClone(event);
    // Asynchronous like every real transport: a listener never runs inside the call that caused it.
    queueMicrotask(() => {
      for (const l of [...listeners]) l(copy);
    });
  }

  function getRun(runId: string): MemoryRun {
    const run = runs.get(runId);
    if (!run) throw new ApiError('not-found', `no run "${runId}" in this workspace; refresh the run list`, 'runs');
    return run;
  }

  function refreshSummary(run: MemoryRun, etaMs: number | null): void {
    run.summary.progress = progressOf(run.live, etaMs);
    run.summary.pairs = run.live.length;
    run.summary.reviewed = run.live.filter((p) => p.verdicts.length > 0).length;
  }

  // ---- running a run -------------------------------------------------------------------------------------

  function pendingSide(side: PairView['A']): PairView['A'] {
    return { ...side, status: 'pending', error: null, imageId: null, width: null, height: null, e2eMs: null, stages: {}, denoiseStepsMs: null, peakMemoryMb: null, endpoint: null, attempts: 0, vsSource: null };
  }

  function prevTurnDone(run: MemoryRun, pair: PairView, side: 'A' | 'B'): boolean {
    if (pair.turn <= 1) return true;
    const i = run.index.get(pairKey(pair.caseId, pair.turn - 1, pair.repeat));
    if (i === undefined) return true;
    const st = run.live[i]![side].status;
    return st === 'ok' || st === 'error' || st === 'skipped';
  }

  function advance(run: MemoryRun): void {
    const changed = new Set<string>();
    for (const side of ['A', 'B'] as const) {
      // Jobs running since the last step finish now.
      run.live.forEach((pair, i) => {
        if (pair[side].status !== 'running') return;
        pair[side] = structuredClone(run.final[i]![side]);
        changed.add(pair.key);
      });
      let started = 0;
      for (let i = 0; i < run.live.length && started < run.concurrency[side]; i++) {
        const pair = run.live[i]!;
        if (pair[side].status !== 'pending' || !prevTurnDone(run, pair, side)) continue;
        if (run.final[i]![side].status === 'skipped') {
          pair[side] = structuredClone(run.final[i]![side]);
        } else {
          pair[side] = { ...pair[side], status: 'running' };
          started++;
        }
        changed.add(pair.key);
      }
    }
    for (const key of changed) {
      const i = run.index.get(key)!;
      const pair = run.live[i]!;
      const done = (s: string) => s === 'ok' || s === 'error' || s === 'skipped';
      if (done(pair.A.status) && done(pair.B.status)) pair.diff = structuredClone(run.final[i]!.diff);
    }
    const left = run.live.reduce((n, p) => n + (p.A.status === 'pending' || p.A.status === 'running' ? 1 : 0) + (p.B.status === 'pending' || p.B.status === 'running' ? 1 : 0), 0);
    const perTick = run.concurrency.A + run.concurrency.B;
    if (left === 0) {
      const errors = run.live.some((p) => p.A.status === 'error' || p.B.status === 'error');
      run.summary.state = errors ? 'partial' : 'complete';
      run.summary.message = errors ? 'finished with errors: some jobs failed (see the Errors bucket); resume retries nothing in the demo engine' : null;
      refreshSummary(run, null);
      run.cancelTimer = null;
    } else {
      run.summary.state = 'running';
      refreshSummary(run, Math.ceil(left / perTick) * tickMs);
      run.cancelTimer = scheduler(() => advance(run), tickMs);
    }
    if (changed.size > 0) emit({ type: 'pairs-changed', runId: run.summary.id, pairKeys: [...changed] });
    emit({ type: 'run-updated', run: run.summary });
  }

  function faultRate(target: BackendTarget): number {
    let rate = 0;
    for (const part of target.faults.split(',')) {
      const m = /^\s*(5xx|timeout|malformed|error)\s*=\s*(\d*\.?\d+)\s*$/.exec(part);
      if (m) rate += Number(m[2]);
    }
    return Math.min(1, rate);
  }

  function checkSuiteText(text: string, fileName: string): { ok: true; suite: SuiteEntry } | { ok: false; error: string } {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      if (error instanceof YAMLParseError) {
        const line = error.linePos?.[0]?.line;
        return { ok: false, error: `${fileName}${line ? `:${line}` : ''}: ${error.message.split('\n')[0]}` };
      }
      return { ok: false, error: `${fileName}: ${String(error)}` };
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: `${fileName}: a suite is a YAML mapping with name and cases` };
    const suite = doc as { name?: unknown; description?: unknown; cases?: unknown };
    if (typeof suite.name !== 'string' || suite.name.trim() === '') return { ok: false, error: `${fileName}: name: required (a short suite name)` };
    if (!Array.isArray(suite.cases) || suite.cases.length === 0) return { ok: false, error: `${fileName}: cases: needs at least one case` };
    const categories: Record<string, number> = {};
    for (const [i, c] of suite.cases.entries()) {
      const item = (c ?? {}) as { id?: unknown; category?: unknown };
      if (typeof item.id !== 'string' || item.id === '') return { ok: false, error: `${fileName}: cases[${i}].id: required` };
      if (typeof item.category !== 'string' || !(CATEGORIES as readonly string[]).includes(item.category)) {
        return { ok: false, error: `${fileName}: cases[${i}].category: must be one of ${CATEGORIES.join(', ')}` };
      }
      categories[item.category] = (categories[item.category] ?? 0) + 1;
    }
    return {
      ok: true,
      suite: {
        path: fileName,
        name: suite.name,
        cases: suite.cases.length,
        categories,
        description: typeof suite.description === 'string' ? suite.description : null,
      },
    };
  }

  function backendSummary(side: 'A' | 'B', target: BackendTarget): RunSummary['backends']['A'] {
    const simulated = target.target === 'sim';
    const name = target.kind === 'vllm-omni' ? 'vLLM-Omni' : 'diffusers baseline';
    return {
      kind: target.kind,
      label: simulated ? `${name} (simulated)` : name,
      url: simulated ? `http://127.0.0.1:${side === 'A' ? 8091 : 8092}` : target.target,
      simulated,
      path: null,
    };
  }

  // ---- exports -------------------------------------------------------------------------------------------

  function csvCell(value: unknown): string {
    let s = value === null || value === undefined ? '' : String(value);
    // Spreadsheet formula injection: a prompt starting with = or + must stay text.
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  function htmlEscape(s: string): string {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function exportContent(run: MemoryRun, format: 'html' | 'json' | 'csv'): { body: string; type: string } {
    const pairs = run.live;
    if (format === 'json') return { body: JSON.stringify({ run: run.summary, pairs }, null, 2), type: 'application/json' };
    const latest = (p: PairView): Verdict | undefined => [...p.verdicts].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
    if (format === 'csv') {
      const header = ['pair', 'case', 'category', 'turn', 'repeat', 'prompt', 'A_status', 'B_status', 'A_e2e_ms', 'B_e2e_ms', 'diff_ratio', 'ssim', 'verdict', 'tags', 'reviewer'];
      const rows = pairs.map((p) => {
        const v = latest(p);
        return [p.key, p.caseId, p.category, p.turn, p.repeat, p.prompt, p.A.status, p.B.status, p.A.e2eMs, p.B.e2eMs, p.diff?.ratio, p.diff?.ssim, v?.verdict, v?.tags.join(' '), v?.reviewer];
      });
      return { body: [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', type: 'text/csv' };
    }
    const rows = pairs
      .map((p) => {
        const v = latest(p);
        return `<tr><td>${htmlEscape(p.key)}</td><td>${htmlEscape(p.prompt)}</td><td>${p.diff?.ratio ?? ''}</td><td>${htmlEscape(v?.verdict ?? '')}</td></tr>`;
      })
      .join('');
    const sim = run.summary.backends.A.simulated || run.summary.backends.B.simulated ? '<p><strong>SIMULATED backends</strong></p>' : '';
    return {
      body: `<!doctype html><meta charset="utf-8"><title>${htmlEscape(run.summary.suiteName)}</title><h1>${htmlEscape(run.summary.suiteName)} (${htmlEscape(run.summary.id)})</h1>${sim}<table><tr><th>pair</th><th>prompt</th><th>diff</th><th>verdict</th></tr>${rows}</table>`,
      type: 'text/html',
    };
  }

  // ---- handlers ------------------------------------------------------------------------------------------

  type Handler<C extends Channel> = (request: ParsedRequestOf<C>) => ResponseOf<C>;
  const handlers: { [C in Channel]: Handler<C> } = {
    'app:get-info': () => ({ version: '0.1.0', workspace: '(in memory: nothing is written to disk)', mode: 'memory' }),
    'settings:get': () => settings,
    'settings:set': (req) => {
      settings = { ...settings, ...req };
      return settings;
    },
    'suites:list': () => suites,
    'suites:check': (req) => checkSuiteText(req.text, req.fileName),
    'runs:list': () => [...runs.values()].map((r) => r.summary).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    'runs:get': (req) => getRun(req.runId).summary,
    'runs:start': (req) => {
      let suite: SuiteEntry;
      if (req.suite.source === 'path') {
        const path = req.suite.path;
        const found = suites.find((s) => s.path === path);
        if (!found) throw new ApiError('not-found', `suite ${path} not found; pick one from the list or load a YAML file`, 'runs:start');
        suite = found;
      } else {
        const checked = checkSuiteText(req.suite.text, req.suite.fileName);
        if (!checked.ok) throw new ApiError('bad-request', checked.error, 'runs:start');
        suite = checked.suite;
      }
      runCounter++;
      const id = `run-${String(runCounter).padStart(3, '0')}-${suite.name.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24) || 'suite'}`;
      const pairs = Math.max(1, suite.cases * req.params.repeats);
      const run = addRun(
        {
          id,
          pairs,
          seed: 100 + runCounter,
          suiteName: suite.name,
          createdAt: new Date(now()).toISOString(),
          dir: `~/.omni-review/runs/${id}`,
          errorRate: Math.max(faultRate(req.A), faultRate(req.B)) || 0.01,
          state: 'running',
          repeats: req.params.repeats,
          size: req.params.size,
        },
        (final) => final.map((p) => ({ ...structuredClone(p), A: pendingSide(p.A), B: pendingSide(p.B), diff: null, verdicts: [] })),
      );
      run.summary.backends = { A: backendSummary('A', req.A), B: backendSummary('B', req.B) };
      run.concurrency = { A: req.A.concurrency, B: req.B.concurrency };
      run.summary.state = 'starting';
      run.summary.message = null;
      refreshSummary(run, null);
      run.cancelTimer = scheduler(() => advance(run), tickMs);
      return run.summary;
    },
    'runs:cancel': (req) => {
      const run = getRun(req.runId);
      if (run.summary.state !== 'running' && run.summary.state !== 'starting') {
        throw new ApiError('conflict', `run ${req.runId} is not running (it is ${run.summary.state})`, 'runs:cancel');
      }
      run.cancelTimer?.();
      run.cancelTimer = null;
      for (const p of run.live) {
        if (p.A.status === 'running') p.A = { ...p.A, status: 'pending' };
        if (p.B.status === 'running') p.B = { ...p.B, status: 'pending' };
      }
      refreshSummary(run, null);
      const left = run.summary.progress.A.total - run.summary.progress.A.done + run.summary.progress.B.total - run.summary.progress.B.done;
      run.summary.state = 'cancelled';
      run.summary.message = `cancelled by the user with ${left} jobs left; resume to finish them`;
      emit({ type: 'run-updated', run: run.summary });
      return run.summary;
    },
    'runs:resume': (req) => {
      const run = getRun(req.runId);
      if (run.summary.state === 'running' || run.summary.state === 'starting') {
        throw new ApiError('conflict', `run ${req.runId} is already running`, 'runs:resume');
      }
      const left = run.live.some((p) => p.A.status === 'pending' || p.B.status === 'pending');
      if (!left) throw new ApiError('conflict', `run ${req.runId} has no unfinished jobs to resume`, 'runs:resume');
      run.summary.state = 'running';
      run.summary.message = null;
      run.cancelTimer = scheduler(() => advance(run), tickMs);
      emit({ type: 'run-updated', run: run.summary });
      return run.summary;
    },
    'runs:open': (req) => {
      const dir = req.dir.trim().replace(/\/+$/, '');
      const existing = [...runs.values()].find((r) => r.summary.dir === dir);
      if (existing) return existing.summary;
      const spec = openable[dir];
      if (!spec) throw new ApiError('not-found', `no Omni Review run in ${dir} (run.json missing); pick the folder \`omni-review run --out\` wrote`, 'runs:open');
      const run = addRun({ ...spec, dir });
      emit({ type: 'run-updated', run: run.summary });
      return run.summary;
    },
    'pairs:list': (req) => getRun(req.runId).live,
    'verdicts:set': (req) => {
      const run = getRun(req.runId);
      if (settings.reviewer.trim() === '') throw new ApiError('conflict', 'set your reviewer name first (it is stored with every verdict)', 'verdicts:set');
      const i = run.index.get(req.pairKey);
      if (i === undefined) throw new ApiError('not-found', `no pair "${req.pairKey}" in run ${req.runId}`, 'verdicts:set');
      // Strictly increasing timestamps keep "newest verdict" well defined for fast key presses.
      lastVerdictAt = Math.max(now(), lastVerdictAt + 1);
      counter++;
      const verdict: Verdict = {
        id: `v-${lastVerdictAt.toString(36)}-${counter}`,
        pairKey: req.pairKey,
        reviewer: settings.reviewer,
        verdict: req.verdict,
        tags: req.tags,
        note: req.note,
        blind: req.blind,
        swapped: req.swapped,
        durationMs: req.durationMs,
        createdAt: new Date(lastVerdictAt).toISOString(),
      };
      run.live[i]!.verdicts.push(verdict);
      refreshSummary(run, run.summary.progress.etaMs);
      emit({ type: 'run-updated', run: run.summary });
      return verdict;
    },
    'verdicts:undo': (req) => {
      const run = getRun(req.runId);
      for (const pair of run.live) {
        const at = pair.verdicts.findIndex((v) => v.id === req.verdictId);
        if (at >= 0) {
          pair.verdicts.splice(at, 1);
          refreshSummary(run, run.summary.progress.etaMs);
          emit({ type: 'run-updated', run: run.summary });
          return { ok: true as const };
        }
      }
      throw new ApiError('not-found', `no verdict ${req.verdictId} in run ${req.runId} (already undone?)`, 'verdicts:undo');
    },
    'runs:export': (req) => {
      const run = getRun(req.runId);
      const { body, type } = exportContent(run, req.format);
      const file = `report.${req.format}`;
      const old = exports.get(`${run.summary.id}/${file}`);
      if (old?.startsWith('blob:')) URL.revokeObjectURL(old);
      exports.set(`${run.summary.id}/${file}`, URL.createObjectURL(new Blob([body], { type })));
      return { file, path: `${run.summary.dir}/${file}` };
    },
  };

  async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    calls.push({ channel, request: structuredClone(request) });
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    else await Promise.resolve();
    const injected = failures.get(channel);
    if (injected) {
      failures.delete(channel);
      throw new ApiError(injected.code, injected.message, channel);
    }
    const spec = CONTRACT[channel];
    if (!spec) throw new ApiError('unknown-channel', `unknown channel ${String(channel)}`, String(channel));
    const parsed = spec.request.safeParse(request ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? issue.path.map(String).join('.') : '(root)';
      throw new ApiError('bad-request', `${channel}: ${where}: ${issue?.message ?? 'invalid request'}`, channel);
    }
    const handler = handlers[channel] as (req: unknown) => ResponseOf<C>;
    const value = structuredClone(handler(parsed.data));
    if (validateResponses) {
      const checked = spec.response.safeParse(value);
      if (!checked.success) throw new ApiError('failed', `${channel}: internal error: response failed validation (${checked.error.issues[0]?.message})`, channel);
    }
    return value;
  }

  return {
    call,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // Synthetic images are SVG data: one resolution serves every size asked for.
    imageUrl(runId, imageId) {
      const key = `${runId}/${imageId}`;
      let url = svgCache.get(key);
      if (url === undefined) {
        const image = runs.get(runId)?.images.get(imageId);
        url = svgDataUrl(
          image
            ? renderSvg(image)
            : '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#333"/><text x="32" y="38" font-size="10" text-anchor="middle" fill="#aaa">missing</text></svg>',
        );
        svgCache.set(key, url);
      }
      return url;
    },
    fileUrl(runId, file) {
      return exports.get(`${runId}/${file}`) ?? `data:text/plain,${encodeURIComponent(`${file} of ${runId} has not been exported in this session`)}`;
    },
    failNext(channel, error) {
      failures.set(channel, error);
    },
    calls,
    step() {
      for (const run of runs.values()) {
        if (run.cancelTimer) {
          run.cancelTimer();
          advance(run);
        }
      }
    },
    emit,
    close() {
      for (const run of runs.values()) {
        run.cancelTimer?.();
        run.cancelTimer = null;
      }
      listeners.clear();
    },
  };
}
