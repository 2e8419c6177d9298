/**
 * Comparisons side by side with odiff 4.5's binary (`@odiff/linux-x64`, an optional dependency, used here only, through bench/odiff-server.ts): the same 20 real-photo pairs at
 * 1024², one pair at a time, through our A↔B path (the compare pool's worker: decode, diff, changed bounds,
 * heatmap PNG, SSIM/PSNR) and through odiff's server mode (decode, diff, changed lines/columns, diff PNG).
 * Also the whole pair (A↔B + both outputs against their source) as a run computes it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createComparePool } from '../core/compare/pool.ts';
import type { CompareTask } from '../core/compare/types.ts';
import { figure, log, type Measurement } from './measure.ts';
import { findOdiffBinary, startOdiffServer } from './odiff-server.ts';

const PHOTOS = ['astronaut.png', 'brick.png', 'camera.png', 'chelsea.png', 'coffee.png', 'coins.png', 'hubble-deep-field.jpg', 'retina.jpg', 'rocket.jpg'];
const photo = (name: string) => fileURLToPath(new URL(`../fixtures/images/${name}`, import.meta.url));

/** `count` pairs: two renderings of the same edit (numeric drift + a shifted, recoloured sign), and their source. */
export async function photoPairs(dir: string, count: number): Promise<CompareTask[]> {
  mkdirSync(dir, { recursive: true });
  const tasks: CompareTask[] = [];
  for (let i = 0; i < count; i++) {
    const name = PHOTOS[i % PHOTOS.length] as string;
    const source = join(dir, `p${i}-source.png`);
    const a = join(dir, `p${i}-a.png`);
    const b = join(dir, `p${i}-b.png`);
    await sharp(photo(name)).resize(1024, 1024, { fit: 'cover' }).modulate({ hue: i * 17 }).png().toFile(source);
    const x = 60 + ((i * 37) % 300);
    const y = 80 + ((i * 53) % 600);
    const sign = (dx: number, fill: string) =>
      Buffer.from(`<svg width="1024" height="1024"><rect x="${x + dx}" y="${y}" width="520" height="130" rx="12" fill="${fill}"/><text x="${x + dx + 30}" y="${y + 85}" font-size="64" font-family="sans-serif">EDIT ${i}</text></svg>`);
    await sharp(source).composite([{ input: sign(0, '#f5d90a') }]).png().toFile(a);
    await sharp(source).modulate({ brightness: 1.01 }).composite([{ input: sign(2 + (i % 3), '#f2d60c') }]).png().toFile(b);
    tasks.push({ a, b, sourceA: source, sourceB: source });
  }
  return tasks;
}

async function pairsPerSecond(tasks: readonly CompareTask[], rounds: number, fn: (t: CompareTask, i: number) => Promise<unknown>): Promise<number[]> {
  await fn(tasks[0]!, -1); // warm up (worker start, binary start)
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < tasks.length; i++) await fn(tasks[i]!, r * tasks.length + i);
    out.push((tasks.length / (performance.now() - t0)) * 1000);
  }
  return out;
}

/** The same ratio of medians the bench prints as `ratio` (measure.ts withRatio), for the notes. */
function ratioNote(ours: number[], theirs: number[]): string {
  const a = figure('', '', ours).p50;
  const b = figure('', '', theirs).p50;
  return `ours / odiff = ${a !== null && b ? (a / b).toFixed(2) : '?'}×`;
}

export async function compareFigures(dir: string, quick: boolean): Promise<Measurement[]> {
  const tasks = await photoPairs(join(dir, 'pairs'), quick ? 8 : 20);
  const rounds = quick ? 2 : 3;
  const binary = findOdiffBinary();
  if ('missing' in binary) throw new Error(`compare bench: the alternative cannot run: ${binary.missing}`);
  const odiff = await startOdiffServer(binary.path);
  const pool = createComparePool({ size: 1 });
  const abOnly = (t: CompareTask): CompareTask => ({ a: t.a, b: t.b });
  try {
    log('engine: A↔B, ours vs odiff-bin server mode');
    const ours: number[] = [];
    const theirs: number[] = [];
    // Interleaved rounds, so a load change on a shared machine hits both alike.
    for (let r = 0; r < rounds; r++) {
      ours.push(...(await pairsPerSecond(tasks, 1, (t) => pool.compare(abOnly(t)))));
      theirs.push(
        ...(await pairsPerSecond(tasks, 1, (t, i) =>
          odiff.compare(t.a, t.b, join(dir, `odiff-${i % tasks.length}.png`), { threshold: 0.1, antialiasing: true, captureDiffLines: true, captureDiffCols: true }),
        )),
      );
    }
    log('engine: whole pair (A↔B + both vs source)');
    const whole = await pairsPerSecond(tasks, rounds, (t) => pool.compare(t));
    return [
      {
        ...figure('A↔B comparison of a 1024² photo pair (decode, diff, bounds, heatmap PNG, SSIM/PSNR), one at a time', 'pairs/s', ours),
        alternative: { ...figure('odiff-bin 4.5 server mode, same pairs (decode, diff, lines/cols, diff PNG)', 'pairs/s', theirs), label: 'odiff-bin server' },
        target: { description: 'A↔B pairs/s ≥ odiff-bin server mode (ratio ≥ 1)' },
        pass: ours.length > 0 && theirs.length > 0 && Math.max(...ours) > 0 && ratioOk(ours, theirs),
        notes: `${tasks.length} pairs per round, ${rounds} interleaved rounds. ${ratioNote(ours, theirs)}. odiff runs in its own process; ours in the compare pool's one worker thread.`,
      },
      {
        ...figure('whole pair as a run computes it (A↔B + A and B vs source), one at a time', 'pairs/s', whole),
        alternative: { ...figure('odiff-bin server mode, A↔B only', 'pairs/s', theirs), label: 'odiff-bin server (A↔B only)' },
        notes: `Output-vs-source diffs run at display size (longest edge ${512} px). ${ratioNote(whole, theirs)}.`,
      },
    ];
  } finally {
    odiff.stop();
    await pool.close();
  }
}

function ratioOk(ours: number[], theirs: number[]): boolean {
  const a = figure('', '', ours).p50;
  const b = figure('', '', theirs).p50;
  return a !== null && b !== null && a >= b;
}
