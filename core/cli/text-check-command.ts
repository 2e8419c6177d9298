/**
 * `omni-review text-check`: read the text of one image (--image, --expect) or of a manifest's images
 * (--manifest) and score it against the expected text, without a run (issue 11: scripting, and checking the
 * checker). Exit 0 when every image was read, 1 when some could not be (missing, undecodable, OCR unavailable),
 * 2 on bad input (flags, manifest). With --json: one JSON object per item and line (JSON Lines).
 */
import { resolve } from 'node:path';
import { DEFAULT_TEXT_THRESHOLDS, type TextThresholds } from '../../shared/text-metrics.ts';
import { formatCount, formatDuration, formatPercent } from '../../shared/units.ts';
import { createOcrEngine, type OcrEngine } from '../ocr/engine.ts';
import { ManifestError, checkImageText, joinExpected, loadManifest, type ImageTextCheck } from '../ocr/text-check.ts';
import { OCR_ENGINES, isOcrUnavailable, type OcrEngineName } from '../ocr/types.ts';
import type { CliIo } from './io.ts';
import { displayPath } from './paths.ts';
import { UsageError } from './usage-error.ts';

export interface TextCheckCommandOptions {
  image?: string;
  expect?: string;
  source?: string;
  manifest?: string;
  json?: boolean;
  engine?: string;
  maxCer?: string;
  minRecall?: string;
  workers?: string;
}

/** One line of --json output. `error` is set (and the scores absent) when the image could not be read. */
export interface TextCheckLine {
  image: string;
  expected: string;
  recognized: string | null;
  cer: number | null;
  ned: number | null;
  wordAccuracy: number | null;
  charAccuracy: number | null;
  bagOfWordsRecall: number | null;
  lang: string | null;
  pass: boolean | null;
  tags: string[];
  lines: Array<{ text: string; confidence: number; box: number[][] }>;
  ocrMs: number | null;
  error?: string;
  /** Fields of the manifest item other than image/expected/source (a labelled set's label, split…), as given. */
  item?: Record<string, unknown>;
}

function ratio(flag: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > max) throw new UsageError(`${flag} ${raw}: give a number from 0 to ${max}`);
  return v;
}

function parseOptions(opts: TextCheckCommandOptions): { engine: OcrEngineName; thresholds: TextThresholds; workers: number | undefined } {
  if (opts.manifest && (opts.image || opts.expect !== undefined)) throw new UsageError('give either --manifest or --image with --expect, not both');
  if (!opts.manifest) {
    if (!opts.image) throw new UsageError('give --image FILE --expect "TEXT", or --manifest items.json');
    if (opts.expect === undefined) throw new UsageError('--image needs --expect "TEXT": the text the image should show');
  }
  if (opts.source !== undefined && opts.manifest) throw new UsageError('--source goes with --image; in a manifest give each item a "source" field');
  const engine = (opts.engine ?? 'ppocr') as OcrEngineName;
  if (!OCR_ENGINES.includes(engine)) throw new UsageError(`--engine ${opts.engine}: use ${OCR_ENGINES.join(' or ')}`);
  let workers: number | undefined;
  if (opts.workers !== undefined) {
    workers = Number(opts.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 16) throw new UsageError(`--workers ${opts.workers}: give a whole number from 1 to 16`);
  }
  const thresholds: TextThresholds = {
    ...DEFAULT_TEXT_THRESHOLDS,
    maxCer: ratio('--max-cer', opts.maxCer, DEFAULT_TEXT_THRESHOLDS.maxCer, 10),
    minBagRecall: ratio('--min-recall', opts.minRecall, DEFAULT_TEXT_THRESHOLDS.minBagRecall, 1),
  };
  return { engine, thresholds, workers };
}

function toLine(image: string, expected: string, check: ImageTextCheck | null, error: string | null, item?: Record<string, unknown>): TextCheckLine {
  const base: TextCheckLine = {
    image,
    expected,
    recognized: check?.recognized ?? null,
    cer: check?.cer ?? null,
    ned: check?.ned ?? null,
    wordAccuracy: check?.wordAccuracy ?? null,
    charAccuracy: check?.charAccuracy ?? null,
    bagOfWordsRecall: check?.bagOfWordsRecall ?? null,
    lang: check?.lang ?? null,
    pass: check?.pass ?? null,
    tags: check?.tags ?? [],
    lines: (check?.lines ?? []).map((l) => ({ text: l.text, confidence: round(l.confidence, 4), box: l.box.map(([x, y]) => [Math.round(x), Math.round(y)]) })),
    ocrMs: check ? round(check.ocrMs, 1) : null,
  };
  if (error) base.error = error;
  if (item && Object.keys(item).length > 0) base.item = item;
  return base;
}

function round(v: number, places: number): number {
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

function humanLine(line: TextCheckLine): string {
  if (line.error) return `ERROR  ${line.image}: ${line.error}`;
  const verdict = line.pass ? 'PASS ' : 'FAIL ';
  const tags = line.tags.length > 0 ? `  ${line.tags.map((t) => t.replace('text.', '')).join(', ')}` : '';
  return (
    `${verdict}  ${line.image}  CER ${formatPercent(line.cer)}  NED ${formatPercent(line.ned)}  ` +
    `read "${line.recognized ?? ''}" for "${line.expected}"${tags}  (${formatDuration(line.ocrMs)})`
  );
}

export async function textCheckCommand(opts: TextCheckCommandOptions, io: CliIo): Promise<number> {
  const { engine: engineName, thresholds, workers } = parseOptions(opts);
  const jobs: Array<{ image: string; path: string | null; problem: string | null; expected: string; source?: string; extra?: Record<string, unknown> }> = [];
  if (opts.manifest) {
    let items;
    try {
      items = await loadManifest(opts.manifest);
    } catch (err) {
      if (err instanceof ManifestError) throw new UsageError(err.message);
      throw err;
    }
    for (const { item, path, problem } of items) {
      const { image, expected, source, ...extra } = item;
      jobs.push({ image, path, problem, expected: joinExpected(expected), ...(source !== undefined ? { source } : {}), extra });
    }
  } else {
    jobs.push({
      image: opts.image!,
      path: resolve(opts.image!),
      problem: null,
      expected: opts.expect!,
      ...(opts.source !== undefined ? { source: opts.source } : {}),
    });
  }

  const engine: OcrEngine = createOcrEngine({ engine: engineName, ...(workers !== undefined ? { size: workers } : {}) });
  let unreadable = 0;
  let passed = 0;
  let unavailableSaid = false;
  try {
    // Every read is queued at once (the pool bounds the work); results are printed in manifest order.
    const pending = jobs.map((job) =>
      job.path === null
        ? Promise.resolve<ImageTextCheck | Error>(new Error(job.problem ?? 'cannot be read'))
        : checkImageText(engine, { image: job.path, expected: job.expected, thresholds, ...(job.source !== undefined ? { sourceText: job.source } : {}) }).catch(
            (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
          ),
    );
    for (const [i, job] of jobs.entries()) {
      const outcome = await pending[i]!;
      const shown = opts.manifest ? job.image : displayPath(job.image);
      let line: TextCheckLine;
      if (outcome instanceof Error) {
        unreadable += 1;
        if (isOcrUnavailable(outcome)) {
          if (!unavailableSaid) io.stderr.write(`error: ${outcome.message}\n`);
          unavailableSaid = true;
          line = toLine(shown, job.expected, null, 'OCR unavailable', job.extra);
        } else {
          line = toLine(shown, job.expected, null, outcome.message, job.extra);
        }
      } else {
        if (outcome.pass) passed += 1;
        line = toLine(shown, job.expected, outcome, null, job.extra);
      }
      io.stdout.write(opts.json ? `${JSON.stringify(line)}\n` : `${humanLine(line)}\n`);
    }
  } finally {
    await engine.close();
  }
  if (!opts.json) {
    const read = jobs.length - unreadable;
    io.stdout.write(
      `${formatCount(passed)} of ${formatCount(read)} read ${read === 1 ? 'image passes' : 'images pass'} (${formatPercent(read > 0 ? passed / read : null)})` +
        (unreadable > 0 ? `; ${formatCount(unreadable)} could not be read` : '') +
        '\n',
    );
  }
  return unreadable > 0 ? 1 : 0;
}
