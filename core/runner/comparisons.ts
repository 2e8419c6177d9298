/**
 * The scheduler's comparisons: which pairs are compared (saved in the store) or failed in this session, which
 * wait for a slot of the comparison pool, and the work for one pair: both outputs (and the image each side
 * edited) → the pool → the record with its heatmaps (core/compare/record.ts) → the store.
 */
import type { Comparison, SuiteCase } from '../../shared/model.ts';
import { comparisonRecord } from '../compare/record.ts';
import type { ComparePool, CompareTask } from '../compare/types.ts';
import type { ThumbnailItem } from '../reports/thumbnails.ts';
import type { RunStore } from '../store/types.ts';
import type { RunEvent } from './events.ts';
import type { JobState, PairStates } from './job-states.ts';
import { errorMessage } from './send.ts';

/** The image a side edited this turn: the case's first input for turn 1, its own previous output after. */
function sourcePath(store: RunStore, cases: ReadonlyMap<string, SuiteCase>, state: JobState): string | undefined {
  const { job } = state;
  if (job.turn === 1) {
    const first = cases.get(job.caseId)?.inputs[0];
    return first && store.getImage(first) ? store.imagePath(first) : undefined;
  }
  const previous = state.chain[job.turn - 2]?.result?.imageId;
  return previous ? store.imagePath(previous) : undefined;
}

function compareTaskFor(
  store: RunStore,
  cases: ReadonlyMap<string, SuiteCase>,
  a: JobState | undefined,
  b: JobState | undefined,
): CompareTask {
  if (!a?.result?.imageId || !b?.result?.imageId) throw new Error('internal: both sides need an image');
  const sourceA = sourcePath(store, cases, a);
  const sourceB = sourcePath(store, cases, b);
  return {
    a: store.imagePath(a.result.imageId),
    b: store.imagePath(b.result.imageId),
    ...(sourceA ? { sourceA } : {}),
    ...(sourceB ? { sourceB } : {}),
  };
}

export interface PairComparisonsOptions {
  store: RunStore;
  pool: ComparePool;
  cases: ReadonlyMap<string, SuiteCase>;
  /** Comparisons handed to the pool at once. */
  concurrency: number;
  emit: (event: RunEvent) => void;
}

export class PairComparisons {
  /** Pairs with a saved comparison (all sessions). */
  readonly compared = new Set<string>();
  /** Pairs whose comparison failed in this session (computed again on resume). */
  readonly failed = new Set<string>();
  /** Comparisons finished (saved or failed) in this session: their rate feeds the ETA. */
  finishedHere = 0;
  /** Comparisons made or loaded in this session, by the content of their inputs (contentKey). */
  private readonly byContent = new Map<string, Promise<Comparison>>();
  /** Saved comparisons not yet indexed by content (done once the pairs are known, in startReady). */
  private stored: Comparison[] | null;
  private readonly queue: string[] = [];
  /** Images (relative paths, as the report names them) whose thumbnails were handed to the pool this session. */
  private readonly thumbnailed = new Set<string>();
  private running = 0;
  private readonly options: PairComparisonsOptions;

  constructor(options: PairComparisonsOptions) {
    this.options = options;
    this.stored = options.store.comparisons();
    for (const c of this.stored) this.compared.add(c.pairKey);
  }

  /**
   * Image files are content-addressed (images/<aa>/<sha256>.<ext>), so the task's paths name the pixels: two
   * pairs with the same outputs and sources (a repeat with a fixed seed, a case listed twice) have one
   * comparison, computed once.
   */
  private static contentKey(task: CompareTask): string {
    return JSON.stringify([task.a, task.b, task.sourceA ?? null, task.sourceB ?? null, task.threshold ?? null, task.metricsSize ?? null]);
  }

  private indexStored(pairs: ReadonlyMap<string, PairStates>): void {
    if (!this.stored) return;
    for (const c of this.stored) {
      const pair = pairs.get(c.pairKey);
      if (!pair?.A?.result?.imageId || !pair.B?.result?.imageId) continue;
      try {
        const key = PairComparisons.contentKey(compareTaskFor(this.options.store, this.options.cases, pair.A, pair.B));
        if (!this.byContent.has(key)) this.byContent.set(key, Promise.resolve(c));
      } catch {
        // an input that is not in the store any more: nothing to reuse
      }
    }
    this.stored = null;
  }

  /**
   * The report's thumbnails of a compared pair (both outputs, the A ↔ B heatmap, the case's inputs) made now on
   * a pool worker, while the run goes, instead of all at once by the report at the end (issue 10). Only
   * confirmed images get here (a pair is compared once both sides are ok). Best effort: a failure here only
   * leaves that thumbnail to the report, as before; it never fails the comparison or the run.
   */
  private async prepareThumbnails(pair: PairStates | undefined, comparison: Comparison): Promise<void> {
    const { store, pool, cases } = this.options;
    if (!pool.thumbnails || !pair?.A || !pair.B) return;
    const items: ThumbnailItem[] = [];
    const add = (id: string | null | undefined, heatmap: boolean): void => {
      const rel = id ? store.getImage(id)?.relPath : undefined;
      if (rel === undefined || this.thumbnailed.has(rel)) return;
      this.thumbnailed.add(rel);
      items.push({ rel, heatmap });
    };
    for (const input of cases.get(pair.A.job.caseId)?.inputs ?? []) add(input, false);
    add(pair.A.result?.imageId, false);
    add(pair.B.result?.imageId, false);
    add(comparison.ab.heatmapId, true);
    if (items.length === 0) return;
    try {
      await pool.thumbnails({ reportDir: store.dir, images: items });
    } catch {
      // a worker that crashed or a pool closing: the report makes these, as it did before
      for (const item of items) this.thumbnailed.delete(item.rel);
    }
  }

  /** Pairs waiting for a slot. */
  get queued(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Queue a pair once both sides are ok, unless it is compared or queued already. */
  offer(key: string, pair: PairStates): void {
    if (this.compared.has(key) || this.queue.includes(key)) return;
    if (pair.A?.status !== 'ok' || pair.B?.status !== 'ok') return;
    this.queue.push(key);
  }

  /** Start queued pairs while the pool has room; each promise settles once its pair is saved or has failed. */
  startReady(pairs: ReadonlyMap<string, PairStates>): Promise<void>[] {
    this.indexStored(pairs);
    const started: Promise<void>[] = [];
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.running++;
      started.push(
        this.compare(key, pairs.get(key)).finally(() => {
          this.running--;
          this.finishedHere++;
        }),
      );
    }
    return started;
  }

  private async compare(key: string, pair: PairStates | undefined): Promise<void> {
    const { store, pool, cases, emit } = this.options;
    try {
      const task = compareTaskFor(store, cases, pair?.A, pair?.B);
      const contentKey = PairComparisons.contentKey(task);
      let made = this.byContent.get(contentKey);
      if (!made) {
        made = pool.compare(task).then((out) => comparisonRecord(key, out, (bytes) => store.putImage(bytes, undefined, { decodeCheck: false })));
        this.byContent.set(contentKey, made);
        // A failure is not remembered: the next pair with these images (or the resume) tries again.
        made.catch(() => this.byContent.delete(contentKey));
      }
      const comparison: Comparison = { ...(await made), pairKey: key };
      store.saveComparison(comparison);
      this.compared.add(key);
      emit({ type: 'comparison-done', pairKey: key, comparison });
      await this.prepareThumbnails(pair, comparison);
    } catch (error) {
      this.failed.add(key);
      const message = `comparison of ${key} failed: ${errorMessage(error)} (it is computed again on resume)`;
      emit({ type: 'comparison-failed', pairKey: key, message });
      emit({ type: 'log', level: 'warn', message });
    }
  }
}
