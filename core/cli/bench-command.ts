/**
 * `omni-review bench import FILE…` and `omni-review bench compare INPUT…`: `vllm bench serve` results (printed
 * blocks, team notes with blocks pasted in, --save-result JSON) read into one record shape and compared.
 * Bad input exits 2 with file:line and what to do (BenchInputError → UsageError).
 */
import { compareBenchResults, formatMetricValue, renderComparisonMarkdown, renderComparisonText } from '../../shared/bench-compare.ts';
import { metricInfo } from '../../shared/bench-metrics.ts';
import { BenchInputError, type BenchResult } from '../../shared/bench-result.ts';
import { readBenchFiles, type FolderReader } from '../speed/bench-files.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage-error.ts';

export interface BenchImportOptions {
  json?: boolean;
}

export interface BenchCompareOptions {
  json?: boolean;
  md?: boolean;
  baseline?: string;
  noise?: string;
  point?: string;
  side?: string;
}

/**
 * --point / --side: keep the sweep results of these points (id such as b4-p512-c2-rinf, or the label 4×512 c2)
 * and side. Results that are not sweep points always stay.
 */
export function selectSweepResults(results: BenchResult[], point: string | undefined, side: string | undefined): BenchResult[] {
  if (side !== undefined && side !== 'A' && side !== 'B') throw new UsageError(`--side ${side}: give A or B`);
  const wanted = point === undefined ? null : point.split(',').map((p) => p.trim()).filter(Boolean);
  const kept = results.filter((r) => {
    if (!r.sweepPoint) return true;
    if (side !== undefined && r.sweepPoint.side !== side) return false;
    return wanted === null || wanted.some((w) => w === r.sweepPoint?.pointId || w === r.sweepPoint?.label);
  });
  if (wanted !== null) {
    const known = new Set(results.flatMap((r) => (r.sweepPoint ? [r.sweepPoint.pointId, r.sweepPoint.label] : [])));
    const missing = wanted.filter((w) => !known.has(w));
    if (missing.length) {
      const ids = [...new Set(results.flatMap((r) => (r.sweepPoint ? [r.sweepPoint.pointId] : [])))];
      throw new UsageError(`--point ${missing.join(',')}: no such point in the sweeps given; their points are ${ids.slice(0, 12).join(', ')}${ids.length > 12 ? ', …' : ''}`);
    }
  }
  return kept;
}

const SUMMARY_KEYS = ['completed', 'failed', 'duration', 'request_throughput', 'output_throughput', 'total_token_throughput', 'mean_ttft_ms', 'p99_ttft_ms', 'mean_tpot_ms', 'mean_e2el_ms', 'p99_e2el_ms'];

async function load(paths: string[], folderReader?: FolderReader): Promise<BenchResult[]> {
  try {
    return await readBenchFiles(paths, folderReader);
  } catch (err) {
    if (err instanceof BenchInputError) throw new UsageError(err.message);
    throw err;
  }
}

function summaryLines(r: BenchResult, index: number): string[] {
  const where = `${r.source}${r.lineNumber ? `:${r.lineNumber}` : ''}`;
  const out = [`[${index + 1}] ${where}  ${r.heading ? `"${r.heading}"` : r.name}  (${r.layout})`];
  const parts = SUMMARY_KEYS.filter((k) => typeof r.metrics[k] === 'number').map((k) => `${metricInfo(k).label} ${formatMetricValue(k, r.metrics[k])}`);
  const numeric = Object.values(r.metrics).filter((v) => typeof v === 'number').length;
  out.push(`    ${parts.join(' · ')}${parts.length ? ' · ' : ''}${numeric} metrics in all`);
  if (r.unparsed.length) {
    out.push(`    ${r.unparsed.length} line${r.unparsed.length === 1 ? '' : 's'} not recognised (kept under "unparsed" in --json):`);
    for (const u of r.unparsed.slice(0, 5)) out.push(`      line ${u.lineNumber}: ${u.line.trim()}`);
    if (r.unparsed.length > 5) out.push(`      … and ${r.unparsed.length - 5} more`);
  }
  for (const w of r.warnings) out.push(`    warning: ${w}`);
  return out;
}

export async function benchImportCommand(files: string[], opts: BenchImportOptions, io: CliIo, folderReader?: FolderReader): Promise<number> {
  const results = await load(files, folderReader);
  if (opts.json) {
    io.stdout.write(JSON.stringify({ results }, null, 2) + '\n');
    return 0;
  }
  results.forEach((r, i) => io.stdout.write(summaryLines(r, i).join('\n') + '\n'));
  io.stdout.write(`${results.length} result${results.length === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'}\n`);
  return 0;
}

function positiveInt(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${raw}: give a whole number from 1`);
  return n;
}

export async function benchCompareCommand(inputs: string[], opts: BenchCompareOptions, io: CliIo, folderReader?: FolderReader): Promise<number> {
  if (opts.json && opts.md) throw new UsageError('--json and --md: pick one output format');
  const noisePct = opts.noise === undefined ? 1 : Number(opts.noise);
  if (!Number.isFinite(noisePct) || noisePct < 0 || noisePct >= 100) throw new UsageError(`--noise ${opts.noise}: give a percent from 0 to 100, e.g. 1`);
  const results = selectSweepResults(await load(inputs, folderReader), opts.point, opts.side);
  if (results.length < 2) {
    throw new UsageError(`${inputs.join(', ')}: ${results.length} result found, compare needs two or more; name a second file (or a file with two blocks)`);
  }
  const baseline = positiveInt(opts.baseline, '--baseline', 1);
  if (baseline > results.length) throw new UsageError(`--baseline ${baseline}: there are only ${results.length} results (numbered as bench import lists them)`);
  const cmp = compareBenchResults(results, { baseline: baseline - 1, noise: noisePct / 100 });
  if (opts.json) io.stdout.write(JSON.stringify(cmp, null, 2) + '\n');
  else if (opts.md) io.stdout.write(renderComparisonMarkdown(cmp));
  else io.stdout.write(renderComparisonText(cmp));
  return 0;
}
