/**
 * One imported benchmark result: the record `omni-review bench import --json` prints and `bench compare` reads.
 * Its `metrics` use the keys of `vllm bench serve --save-result` JSON (completed, failed, request_rate, duration,
 * request_throughput, mean_ttft_ms, p99_ttft_ms, …), whichever form the result came in.
 */
import { z } from 'zod';

export const benchValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type BenchValue = z.infer<typeof benchValueSchema>;

export const unparsedLineSchema = z.object({
  line: z.string(),
  lineNumber: z.number().int().positive(),
  /** The section title it sat under ("Time to First Token"), null above the first one. */
  section: z.string().nullable(),
});
export type UnparsedLine = z.infer<typeof unparsedLineSchema>;

export const benchResultSchema = z.object({
  /** The file as the user named it. */
  source: z.string(),
  /** printed: a "Serving Benchmark Result" block; json: a --save-result object; sweep: a point of a sweep. */
  kind: z.enum(['printed', 'json', 'sweep']),
  /** Where the block or JSON object starts (1-based); null for a sweep point. */
  lineNumber: z.number().int().positive().nullable(),
  /** The markdown heading or line of text above a printed block ("Before (ascend 优化)"); null when none. */
  heading: z.string().nullable(),
  /** What tables show: the heading, else the JSON `label`, else the file name (with #n for the n-th). */
  name: z.string(),
  /** Which vLLM layout the result looks like (a guess from its rows/keys, for the reader). */
  layout: z.string(),
  metrics: z.record(z.string(), benchValueSchema),
  /** --save-detailed arrays (ttfts, itls, latencies, …) are not carried; their lengths are. */
  detailOmitted: z.record(z.string(), z.number().int().nonnegative()),
  /** Lines inside the block that matched no known row: kept, never lost. */
  unparsed: z.array(unparsedLineSchema),
  warnings: z.array(z.string()),
  /** For a sweep point: which sweep, point and side it is (what `bench compare --point/--side` select on). */
  sweepPoint: z.object({ sweepId: z.string(), pointId: z.string(), label: z.string(), side: z.enum(['A', 'B']) }).optional(),
});
export type BenchResult = z.infer<typeof benchResultSchema>;

/** What `bench import --json` prints; `bench compare` accepts it back as an input file. */
export const benchImportOutputSchema = z.object({ results: z.array(benchResultSchema) });

/** Bad benchmark input: where (file, line) and what to do. The CLI prints `message` and exits 2. */
export class BenchInputError extends Error {
  readonly source: string;
  readonly lineNumber: number | null;
  constructor(source: string, lineNumber: number | null, problem: string, fix: string) {
    super(`${source}${lineNumber === null ? '' : `:${lineNumber}`}: ${problem}; ${fix}`);
    this.name = 'BenchInputError';
    this.source = source;
    this.lineNumber = lineNumber;
  }
}

/** The last path segment, for display ("runs/x/result.json" → "result.json"). */
export function baseName(source: string): string {
  const parts = source.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? source;
}
