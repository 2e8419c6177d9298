/** What the comparison pool gets for one pair: both outputs, and the image each side edited this turn. */
import type { SuiteCase } from '../../shared/model.ts';
import type { CompareTask } from '../compare/types.ts';
import type { RunStore } from '../store/types.ts';
import type { JobState } from './job-states.ts';

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

export function compareTaskFor(
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
