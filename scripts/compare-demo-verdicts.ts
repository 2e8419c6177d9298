/**
 * `node scripts/compare-demo-verdicts.ts <run1> <run2>`: example verdicts of one reviewer ("demo reviewer") on two demo runs,
 * entered through the contract (verdicts:set) as the app would, for the Compare runs screenshots (docs/compare.md):
 * text and generation pairs, A better (tie for Chinese signs) in the first run; in the second, B better where A's
 * picture changed. Example data, never a result: the docs say where these verdicts came from.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoreApp } from '../core/app/index.ts';
import { createInProcessApi } from '../core/testing/in-process-api.ts';

const [run1, run2] = process.argv.slice(2);
const app = await createCoreApp({ workspace: await mkdtemp(join(tmpdir(), 'h3-ws-')), mode: 'memory' });
const api = createInProcessApi(app);
await api.call('settings:set', { reviewer: 'demo reviewer' });
const s1 = await api.call('runs:open', { dir: run1! });
const s2 = await api.call('runs:open', { dir: run2! });
const p1 = await api.call('pairs:list', { runId: s1.id });
const p2 = await api.call('pairs:list', { runId: s2.id });
const changedA = new Set(p2.filter((p) => { const q = p1.find((x) => x.key === p.key); return q && q.A.imageId !== p.A.imageId; }).map((p) => p.key));
const judge = async (runId: string, key: string, verdict: 'A_better' | 'B_better' | 'tie') =>
  api.call('verdicts:set', { runId, pairKey: key, verdict, tags: [], note: '', blind: false, swapped: false, durationMs: 4000 });
for (const p of p1.filter((p) => p.category === 'text-rendering' || p.category === 'generation')) await judge(s1.id, p.key, p.caseId.startsWith('zh') ? 'tie' : 'A_better');
for (const p of p2.filter((p) => p.category === 'text-rendering' || p.category === 'generation')) await judge(s2.id, p.key, changedA.has(p.key) ? 'B_better' : p.caseId.startsWith('zh') ? 'tie' : 'A_better');
console.log('changed A pictures', [...changedA]);
await app.close();
