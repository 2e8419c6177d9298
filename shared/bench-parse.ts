/**
 * Reading `vllm bench serve` output: the printed "Serving Benchmark Result" blocks (raw console logs or team
 * notes with blocks pasted under markdown headings) and the --save-result JSON (one object, or one per line with
 * --append-result). Pure text in, BenchResult records out; the file system stays in core/.
 *
 * The block is vLLM's `{s:{c}^{n}}` title lines (50 wide, "=" for the block and sub-blocks, "-" for sections) and
 * `{:<40} {:<10}` rows. Rows are recognised by label (shared/bench-metrics.ts); a line that matches nothing is kept
 * in `unparsed` with its line number, so nothing a newer vLLM prints is silently lost.
 */
import { PRINTED_LABEL_KEYS, PRINTED_STAT_NAMES, TEXT_KEYS } from './bench-metrics.ts';
import { BenchInputError, baseName, benchImportOutputSchema, type BenchResult, type BenchValue, type UnparsedLine } from './bench-result.ts';
import { sweepBenchResults } from './bench-sweep.ts';
import { SweepResultSchema } from './sweep.ts';

const BLOCK_START = /^=+\s*Serving Benchmark Result\s*=+$/i;
const BLOCK_END = /^={10,}$/;
const TITLE = /^([-=])\1+\s*(\S.*?)\s*\1\1+$/;
const ROW = /^(.+?:)\s+(\S.*?)$/;
const STAT_ROW = /^(mean|median|std|p(\d+(?:\.\d+)?))\s+(.+?)\s+\((ms|s)\):$/i;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;
const FENCE = /^(```|~~~)/;

/** Console lines vLLM prints around the block; never taken for a heading. */
const LOG_LINE = [
  /^(INFO|WARNING|DEBUG|ERROR)\b/,
  /^Namespace\(/,
  /\d+%\|/,
  /^(Starting |Initial test run|Warming up|Warmup run|Profiler|Stopping profiler|tip: install|Traffic |Burstiness factor|Maximum request concurrency|Model not specified|First model name|Self timing|Will increase RPS|Probe request rate|Skipping endpoint)/,
  /^[\s\-=*_#>|`~]*$/,
];

const FIX_TEXT = 'correct the line to read "<label>: <number>" as vLLM prints it, or delete it';

function parseValue(raw: string): BenchValue | undefined {
  const v = raw.trim();
  if (NUMBER.test(v)) return Number(v);
  if (/^inf$/i.test(v)) return 'inf';
  if (/^(none|not set|null)$/i.test(v)) return null;
  return undefined;
}

function normLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** "Mean TTFT (ms):" → ["mean_ttft_ms", factor to ms]; null when the label is no statistic row. */
function statKey(label: string): [string, number] | null {
  const m = STAT_ROW.exec(label.trim());
  if (!m) return null;
  const [, kindRaw, p, nameRaw, unit] = m as unknown as [string, string, string | undefined, string, string];
  const name = nameRaw.toLowerCase();
  const attr = PRINTED_STAT_NAMES[name] ?? name.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const kind = kindRaw.toLowerCase();
  const head = p !== undefined ? `p${p}` : kind;
  return [`${head}_${attr}_ms`, unit.toLowerCase() === 's' ? 1000 : 1];
}

function guessLayout(keys: Set<string>, printedLabels: Set<string>, subBlocks: boolean): string {
  if (subBlocks) return 'vLLM-Omni bench serve (text and audio sub-blocks)';
  if (keys.has('input_throughput')) return 'benchmark_serving.py, 2024 (input token throughput, P99 only)';
  if (keys.has('failed') || keys.has('max_output_tokens_per_s') || keys.has('max_concurrent_requests')) return 'vllm bench serve (failed count, peak rows)';
  if (printedLabels.has('Total Token throughput (tok/s):') || keys.has('request_goodput:') || keys.has('total_token_throughput')) {
    return 'benchmark_serving.py (total token throughput, no failed count)';
  }
  return 'unknown vLLM layout';
}

function isHeadingCandidate(line: string): boolean {
  return !LOG_LINE.some((re) => re.test(line)) && !FENCE.test(line);
}

/** The markdown heading nearest above the block in `span`, else the nearest line of plain text. */
function headingAbove(span: string[]): string | null {
  for (let i = span.length - 1; i >= 0; i--) {
    const m = /^#{1,6}\s+(.+?)\s*#*$/.exec((span[i] ?? '').trim());
    if (m) return m[1] ?? null;
  }
  for (let i = span.length - 1; i >= 0; i--) {
    const line = (span[i] ?? '').trim();
    if (line && isHeadingCandidate(line)) return line.replace(/:$/, '').replace(/^\*\*(.*)\*\*$/, '$1');
  }
  return null;
}

/** Settings vLLM prints before the block ("Traffic request rate: 4.0"), used where the block has none. */
function preambleSettings(span: string[]): Record<string, BenchValue> {
  const out: Record<string, BenchValue> = {};
  for (const raw of span) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Traffic request rate:\s*(\S+)$/.exec(line))) {
      const v = parseValue(m[1] ?? '');
      if (v !== undefined) out.request_rate = v;
    } else if ((m = /^Burstiness factor:\s*([-+.\d]+)/.exec(line))) {
      const v = parseValue(m[1] ?? '');
      if (typeof v === 'number') out.burstiness = v;
    } else if ((m = /^Maximum request concurrency:\s*(\S+)$/.exec(line))) {
      const v = parseValue(m[1] ?? '');
      if (v !== undefined && v !== 'inf') out.max_concurrency = v;
    }
  }
  return out;
}

interface ParsedBlock {
  metrics: Record<string, BenchValue>;
  unparsed: UnparsedLine[];
  warnings: string[];
  printedLabels: Set<string>;
  subBlocks: boolean;
  /** Index of the first line after the block. */
  next: number;
}

function parseBlock(lines: string[], start: number, source: string): ParsedBlock {
  const metrics: Record<string, BenchValue> = {};
  const unparsed: UnparsedLine[] = [];
  const warnings: string[] = [];
  const printedLabels = new Set<string>();
  let section: string | null = null;
  let subBlocks = false;
  let i = start + 1;
  let closed = false;
  for (; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trim();
    const lineNumber = i + 1;
    if (BLOCK_END.test(line)) {
      closed = true;
      i++;
      break;
    }
    if (BLOCK_START.test(line) || FENCE.test(line)) break;
    if (!line) continue;
    const title = TITLE.exec(line);
    if (title) {
      section = title[2] ?? null;
      if (title[1] === '=') subBlocks = true;
      continue;
    }
    const row = ROW.exec(line);
    if (!row) {
      unparsed.push({ line: raw, lineNumber, section });
      continue;
    }
    const label = row[1] ?? '';
    const rawValue = row[2] ?? '';
    const stat = statKey(label);
    const key = PRINTED_LABEL_KEYS[normLabel(label)] ?? (stat ? stat[0] : undefined);
    if (key === undefined) {
      unparsed.push({ line: raw, lineNumber, section });
      continue;
    }
    const value = parseValue(rawValue);
    if (value === undefined) {
      throw new BenchInputError(source, lineNumber, `"${label}" reads "${rawValue}", which is not a number`, FIX_TEXT);
    }
    const scaled = stat && typeof value === 'number' && !PRINTED_LABEL_KEYS[normLabel(label)] ? value * stat[1] : value;
    printedLabels.add(label.trim());
    if (key in metrics && metrics[key] !== scaled) {
      warnings.push(`line ${lineNumber}: "${label}" appears again with ${rawValue}; the first value (${String(metrics[key])}) is kept`);
      continue;
    }
    metrics[key] = scaled;
  }
  if (!closed) warnings.push(`the block starting at line ${start + 1} has no closing "=====" line; read up to line ${i}`);
  return { metrics, unparsed, warnings, printedLabels, subBlocks, next: i };
}

function nameFor(heading: string | null, label: BenchValue | undefined, source: string, index: number, count: number): string {
  if (heading) return heading;
  if (typeof label === 'string' && label) return label;
  return count > 1 ? `${baseName(source)} #${index + 1}` : baseName(source);
}

/** Every "Serving Benchmark Result" block in a text file. */
export function parsePrintedBlocks(text: string, source: string): BenchResult[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const found: Array<Omit<BenchResult, 'name'>> = [];
  let spanStart = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!BLOCK_START.test((lines[i] ?? '').trim())) continue;
    const span = lines.slice(spanStart, i);
    const block = parseBlock(lines, i, source);
    const metrics = { ...preambleSettings(span), ...block.metrics };
    if (Object.keys(block.metrics).length === 0) block.warnings.push(`the block starting at line ${i + 1} has no rows vLLM prints`);
    found.push({
      source,
      kind: 'printed',
      lineNumber: i + 1,
      heading: headingAbove(span),
      layout: guessLayout(new Set(Object.keys(metrics)), block.printedLabels, block.subBlocks),
      metrics,
      detailOmitted: {},
      unparsed: block.unparsed,
      warnings: block.warnings,
    });
    spanStart = block.next;
    i = block.next - 1;
  }
  return found.map((r, idx) => ({ ...r, name: nameFor(r.heading, undefined, source, idx, found.length) }));
}

/** Keys vLLM writes as numbers; a string there means the file was edited by hand or is not vLLM's. */
const NUMERIC_KEY = /^(completed|failed|duration|total_input_tokens|total_output_tokens|num_prompts|max_concurrent_requests|.*_throughput|.*_ms)$/;

function resultFromObject(obj: Record<string, unknown>, source: string, lineNumber: number, index: number, count: number): BenchResult {
  const metrics: Record<string, BenchValue> = {};
  const detailOmitted: Record<string, number> = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (Array.isArray(value)) {
      detailOmitted[key] = value.length;
      continue;
    }
    if (value !== null && typeof value === 'object') {
      warnings.push(`key "${key}" holds an object; it is left out`);
      continue;
    }
    const v = value as BenchValue;
    const target = key === 'request_goodput:' ? 'request_goodput' : key;
    if (target !== key) warnings.push(`key "request_goodput:" (as benchmark_serving.py of the v0.8 line wrote it) is read as request_goodput`);
    if (NUMERIC_KEY.test(target) && !TEXT_KEYS.has(target) && v !== null && typeof v !== 'number') {
      throw new BenchInputError(source, lineNumber, `"${key}" is ${JSON.stringify(v)}, expected a number`, 'import the JSON file vllm bench serve --save-result wrote, unedited');
    }
    if (key === 'request_rate' && v !== null && typeof v !== 'number' && v !== 'inf') {
      throw new BenchInputError(source, lineNumber, `"request_rate" is ${JSON.stringify(v)}, expected a number or "inf"`, 'import the JSON file vllm bench serve --save-result wrote, unedited');
    }
    metrics[target] = v;
  }
  if (!('completed' in metrics) && !('request_throughput' in metrics) && !('duration' in metrics)) {
    throw new BenchInputError(
      source,
      lineNumber,
      'this JSON object has none of the keys vllm bench serve saves (completed, duration, request_throughput)',
      'pass the file written by vllm bench serve --save-result (or the printed block)',
    );
  }
  return {
    source,
    kind: 'json',
    lineNumber,
    heading: null,
    name: nameFor(null, metrics.label, source, index, count),
    layout: guessLayout(new Set(Object.keys(obj)), new Set(), false),
    metrics,
    detailOmitted,
    unparsed: [],
    warnings,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Where JSON text first breaks the grammar, as a 1-based line. JSON.parse in current V8 names no position
 * ("Unexpected token 'o', … is not valid JSON"), so a small recursive scan finds it; only run after a failure.
 */
export function jsonErrorLine(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      i += num[0].length;
      return;
    }
    if (c === 't') return void literal('true');
    if (c === 'f') return void literal('false');
    if (c === 'n') return void literal('null');
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at !== 'number') throw at;
    return text.slice(0, at).split('\n').length;
  }
  return 1;
}

/** --save-result JSON: one object, an array of them, or one object per line (--append-result). */
export function parseResultJson(text: string, source: string): BenchResult[] {
  const clean = text.replace(/^\uFEFF/, '');
  let whole: unknown;
  try {
    whole = JSON.parse(clean);
  } catch (err) {
    const lines = clean.split(/\r?\n/);
    const filled = lines.map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => l);
    const fix = 'pass the file vllm bench serve --save-result wrote (one JSON object, or one per line with --append-result)';
    // One object per line (--append-result) only when every line opens an object; else one broken document.
    if (filled.length < 2 || !filled.every(([l]) => l.startsWith('{'))) {
      throw new BenchInputError(source, jsonErrorLine(clean), `not valid JSON (${(err as Error).message})`, fix);
    }
    const objects: Array<[Record<string, unknown>, number]> = [];
    for (const [line, lineNumber] of filled) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (lineErr) {
        throw new BenchInputError(source, lineNumber, `not valid JSON (${(lineErr as Error).message})`, fix);
      }
      if (!isPlainObject(parsed)) throw new BenchInputError(source, lineNumber, 'this line is JSON but not an object', 'each line must be one result object');
      objects.push([parsed, lineNumber]);
    }
    return objects.map(([o, ln], idx) => resultFromObject(o, source, ln, idx, objects.length));
  }
  if (isPlainObject(whole)) {
    const own = benchImportOutputSchema.safeParse(whole);
    if (own.success) return own.data.results;
    if ('summary' in whole && 'spec' in whole && 'points' in whole) {
      const sweep = SweepResultSchema.safeParse(whole);
      if (!sweep.success) {
        const issue = sweep.error.issues[0];
        throw new BenchInputError(source, null, `looks like a sweep's sweep.json but ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'does not match its schema'}`, 'pass the sweep.json that omni-review sweep wrote, unedited');
      }
      return sweepBenchResults(sweep.data, source);
    }
    return [resultFromObject(whole, source, 1, 0, 1)];
  }
  if (Array.isArray(whole)) {
    if (whole.some((r) => isPlainObject(r) && 'benchmark' in r && 'metric' in r)) {
      throw new BenchInputError(source, 1, 'this is the PyTorch benchmark format (*.pytorch.json)', 'import the result JSON written beside it instead');
    }
    return whole.map((o, idx) => {
      if (!isPlainObject(o)) throw new BenchInputError(source, 1, `item ${idx + 1} of the array is not an object`, 'pass an array of result objects');
      return resultFromObject(o, source, 1, idx, whole.length);
    });
  }
  throw new BenchInputError(source, 1, 'the JSON is neither an object nor an array', 'pass the file vllm bench serve --save-result wrote');
}

/**
 * Any benchmark file: JSON when it starts with "{" or "[", printed blocks otherwise. A file with several blocks
 * (or JSON lines) gives several results, in file order.
 */
export function parseBenchText(text: string, source: string): BenchResult[] {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (!head) throw new BenchInputError(source, null, 'the file is empty', 'pass the output of vllm bench serve or its --save-result JSON');
  if (head.startsWith('{') || head.startsWith('[')) return parseResultJson(text, source);
  const results = parsePrintedBlocks(text, source);
  if (results.length === 0) {
    throw new BenchInputError(
      source,
      null,
      'no "Serving Benchmark Result" block and no JSON found',
      'pass what vllm bench serve printed (a log, or notes with its blocks pasted in) or the JSON file --save-result wrote',
    );
  }
  return results;
}
