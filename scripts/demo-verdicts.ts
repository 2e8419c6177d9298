/**
 * `node scripts/demo-verdicts.ts <run folder>`: record scripted verdicts on every pair of a finished run, by the
 * reviewer "docs-demo", so the docs' screenshots of the headline and the per-category table show verdict shares.
 * They are drawn at random (seeded: 45 % A better, 20 % B better, 30 % tie, 5 % both bad), not judged by a person;
 * the docs say so beside the screenshots. Does nothing when docs-demo has already judged the run.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { mulberry32 } from '../shared/random.ts';
import type { VerdictValue } from '../shared/model.ts';
import { reportFromStore } from '../core/engine/report-from-store.ts';
import { openRunStore } from '../core/store/run-store.ts';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: node scripts/demo-verdicts.ts <run folder>');
const store = await openRunStore(resolve(dir));
try {
  if (store.verdicts().some((v) => v.reviewer === 'docs-demo')) {
    console.log('docs-demo has already judged this run; nothing to do');
  } else {
    const random = mulberry32(13);
    const pick = (): VerdictValue => {
      const r = random();
      return r < 0.45 ? 'A_better' : r < 0.65 ? 'B_better' : r < 0.95 ? 'tie' : 'both_bad';
    };
    const pairs = reportFromStore(store).pairs.filter((p) => p.A.status === 'ok' && p.B.status === 'ok');
    for (const p of pairs) {
      store.addVerdict({ id: randomUUID(), pairKey: p.key, reviewer: 'docs-demo', verdict: pick(), tags: [], note: 'scripted for the docs', blind: false, swapped: false, durationMs: 0, createdAt: new Date().toISOString() });
    }
    console.log(`recorded ${pairs.length} scripted verdicts by docs-demo`);
  }
} finally {
  store.close();
}
