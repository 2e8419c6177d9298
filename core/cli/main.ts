/**
 * `omni-review`: the command line. Exit codes (also in --help):
 *   0 done, every job ok · 1 done, some jobs failed (report written) · 2 bad input (arguments, suite file, run
 *   folder) · 3 a backend could not be reached · 4 the run folder could not be written · 130 interrupted (partial report written; resume with --resume).
 *
 * Only what --help, --version and argument errors need is imported here (commander and a few constants); each
 * subcommand's module, and with it the engine, is imported when that subcommand runs (issue 9: --help used to
 * load and type-strip the whole engine first; `npm run bench -- --only cli` measures it).
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_KIND, SIM_URL } from '../../shared/backend-defaults.ts';
import { DEFAULT_TIME_SCALE } from '../backends/sim/defaults.ts';
// A plain error class with no imports: checking for it loads nothing of the engine.
import { RunInputError } from '../engine/errors.ts';
import { StoreError } from '../store/store-error.ts';
import { SuiteError } from '../suite/suite-error.ts';
import { TOOL_VERSION } from '../version.ts';
import type { BenchCompareOptions, BenchImportOptions } from './bench-command.ts';
import type { CliIo } from './io.ts';
import type { CompareCommandOptions } from './compare-command.ts';
import type { ReportCommandOptions } from './report-command.ts';
import type { RunCommandOptions } from './run-command.ts';
import type { SimCommandOptions } from './sim-command.ts';
import type { SweepCommandOptions } from './sweep-command.ts';
import type { ServeCommandOptions } from './serve-command.ts';
import type { TextCheckCommandOptions } from './text-check-command.ts';
import { UsageError } from './usage-error.ts';

const EXIT = { ok: 0, jobsFailed: 1, usage: 2, backendUnavailable: 3, storeWriteFailed: 4, interrupted: 130 } as const;

const EXIT_CODES_HELP = `
Exit codes:
  0    done, every job ok
  1    done, some jobs failed (the report says which and why)
  2    bad input: arguments, suite file, run folder
  3    a backend could not be reached or never became healthy
  4    the run folder could not be written (disk full, read-only); what was saved is kept, --resume continues
  130  interrupted (a partial report is written; continue with --resume DIR)`;

const BENCH_EXIT_HELP = `
Exit codes:
  0    done
  2    bad input: a file that is missing, not vLLM's output, or a line that does not read (file:line and what to do)`;

function program(io: CliIo, setExit: (code: number) => void): Command {
  const cli = new Command('omni-review')
    .description('Review image-edit quality and speed side by side: vLLM-Omni (A) against the diffusers baseline (B).')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);

  const run = cli
    .command('run')
    .description('send every case of a suite to A and B, compare the outputs and write report.json / report.html / report.md')
    .option('--suite <file>', 'suite YAML file (see docs/suite-format.md)')
    .option('--out <dir>', 'run folder to create (default: <workspace>/runs/<run id>)')
    .option('--resume <dir>', 'continue an interrupted run folder: finished jobs are not sent again');
  addBackendOptions(run)
    .option('--concurrency <n>', 'requests in flight per backend', '2')
    .option('--repeats <n>', 'times each case is sent (same seed; measures timing spread)', '1')
    .option('--timeout <seconds>', 'per-request timeout', '300')
    .option('--retries <n>', 'retries per request on transient failures (network, 429, 502-504, timeouts)', '2')
    .option('--seed <n>', 'override every case\'s seed')
    .option('--steps <n>', 'override every case\'s num_inference_steps')
    .option('--size <WxH>', 'override every case\'s output size, e.g. 1024x1024')
    .option('--a-sim-time-scale <x>', 'simulator only: multiply A\'s durations once more, e.g. 1.5 for a slower A (try `compare`)', '1')
    .option('--b-sim-time-scale <x>', 'simulator only: multiply B\'s durations once more', '1')
    .addOption(
      new Option('--ocr <on|off>', 'read the text of every output whose case has expected text (its expected_text or the prompt\'s quoted spans), for A and B')
        .choices(['on', 'off'])
        .default('on'),
    )
    .option('--json', 'print a machine-readable summary on stdout (progress goes to stderr)')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Fault names for --a-faults/--b-faults: typo, wrong-size, blank, 5xx, timeout, malformed-json, slow-body.

Examples:
  omni-review run --suite fixtures/suites/demo.yaml --out runs/demo
  omni-review run --suite my.yaml --a http://127.0.0.1:8000 --b http://127.0.0.1:8001 --timeout 600
  omni-review run --resume runs/demo
  omni-review run --suite fixtures/suites/demo.yaml --a-faults typo=0.3 --ocr off
${EXIT_CODES_HELP}`,
    )
    .action(async (opts: RunCommandOptions) => setExit(await (await import('./run-command.ts')).runCommand(opts, io)));

  const sweep = cli
    .command('sweep')
    .description('load-test A and B point by point over a sweep (batch, prompt tokens, concurrency, request rate) and write sweep.json / .csv / .md / .html')
    .option('--spec <file>', 'sweep spec YAML file (see docs/sweep-format.md); the flags below override its values')
    .option('--out <dir>', 'sweep folder to create (default: <workspace>/sweeps/<sweep id>)')
    .option('--resume <dir>', 'continue an interrupted sweep folder: finished requests are not sent again');
  addBackendOptions(sweep)
    .option('--sides <list>', 'which sides to run, in order: A,B · A · B', 'A,B')
    .option('--both-at-once', 'send to A and B at the same time within a point (default: A, then B)')
    .option('--name <text>', 'sweep name (spec: name)')
    .option('--batch <list>', 'images per request n, e.g. 1,2,4 (spec: axes.batch)')
    .option('--prompt-tokens <list>', 'prompt lengths in tokens, e.g. 512,2048 (spec: axes.prompt_tokens)')
    .option('--concurrency <list>', 'requests in flight at most, e.g. 1,2,4,8 (spec: axes.concurrency)')
    .option('--request-rate <list>', 'requests per second, or inf, e.g. 1,2,inf (spec: axes.request_rate)')
    .option('--burstiness <x>', 'gamma shape of arrivals: 1 = Poisson (spec: axes.burstiness)')
    .option('--requests <n>', 'measured requests per point and side (spec: requests)')
    .option('--warmup <n>', 'warm-up requests per point and side, not counted (spec: warmup)')
    .option('--size <WxH>', 'output size (spec: size)')
    .option('--steps <n>', 'num_inference_steps (spec: steps)')
    .option('--seed <n>', 'seed of every request (spec: seed)')
    .option('--image <file...>', 'input image(s) to edit (spec: images); none: text-to-image')
    .option('--timeout <seconds>', 'per-request timeout (spec: timeout_s)')
    .option('--json', 'print a machine-readable summary on stdout (progress goes to stderr)')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
A spec's sim_time_scale applies unless --sim-time-scale is given. With --resume the folder's own spec, backends
and sides are used; the other options are ignored.

Examples:
  omni-review sweep --spec fixtures/sweeps/demo.yaml --out sweeps/demo
  omni-review sweep --batch 1,2,4 --concurrency 1,4 --requests 8 --a http://127.0.0.1:8000 --b http://127.0.0.1:8001
  omni-review sweep --resume sweeps/demo
${EXIT_CODES_HELP}`,
    )
    .action(async (opts: SweepCommandOptions, cmd: Command) => {
      // A spec's sim_time_scale applies unless --sim-time-scale was typed.
      opts.simTimeScaleGiven = cmd.getOptionValueSource('simTimeScale') === 'cli';
      setExit(await (await import('./sweep-command.ts')).sweepCommand(opts, io));
    });

  cli
    .command('serve')
    .description('serve the review UI in your browser (loopback only)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <address>', 'loopback address to bind', '127.0.0.1')
    .option('--workspace <dir>', 'folder with runs/ and settings (default: $OMNI_REVIEW_WORKSPACE or the per-user folder)')
    .option('--sim-time-scale <x>', 'simulator time scale for runs started from the UI', String(DEFAULT_TIME_SCALE))
    .option('--open-run <dir...>', 'also list these run folders (made with --out elsewhere)')
    .action(async (opts: ServeCommandOptions) => setExit(await (await import('./serve-command.ts')).serveCommand(opts, io)));

  cli
    .command('sim')
    .description('start the simulators alone (loopback), for trying clients or the UI against them')
    .addOption(new Option('--kind <kind>', 'which protocol(s)').choices(['vllm-omni', 'diffusers', 'both']).default('both'))
    .option('--port-a <n>', 'port of the vLLM-Omni simulator (0 = any)', '0')
    .option('--port-b <n>', 'port of the diffusers-baseline simulator (0 = any)', '0')
    .addOption(new Option('--generation <gen>', 'vLLM-Omni API generation to imitate').choices(['current', 'legacy']).default('current'))
    .option('--a-faults <spec>', 'faults for the vLLM-Omni simulator', '')
    .option('--b-faults <spec>', 'faults for the baseline simulator', '')
    .option('--time-scale <x>', 'multiply the modelled durations (1 = real-world seconds)', String(DEFAULT_TIME_SCALE))
    .action(async (opts: SimCommandOptions) => setExit(await (await import('./sim-command.ts')).simCommand(opts, io)));

  cli
    .command('report')
    .description('re-render report.html / report.md / report.csv / junit.xml (and report.pdf with --pdf) from a report.json, or rebuild all from a run folder')
    .argument('<path>', 'a report.json, or a run folder (its report is rebuilt from run.sqlite, verdicts included)')
    .option('--format <list>', 'formats to write: json,html,csv,junit,md', 'html,csv,junit,md')
    .option('--pdf', 'also print report.html to report.pdf with a Chromium or Chrome found on this machine')
    .option('--chromium <path>', `the browser binary for --pdf (default: $OMNI_REVIEW_CHROMIUM, /usr/bin/chromium, chromium-browser, google-chrome, then $PATH)`)
    .addHelpText(
      'after',
      `
Examples:
  omni-review report runs/demo              rebuild report.json/.html/.csv/.md and junit.xml from run.sqlite
  omni-review report runs/demo --pdf        the same, plus report.pdf printed from report.html
  omni-review report runs/demo/report.json --format md`,
    )
    .action(async (path: string, opts: ReportCommandOptions) => setExit(await (await import('./report-command.ts')).reportCommand(path, opts, io)));

  cli
    .command('compare')
    .description('compare two runs of the same suite: speed per category and stage, changed verdicts and pictures → compare.html / .md / .json')
    .argument('<run1>', 'the first run (before): a run folder or its report.json')
    .argument('<run2>', 'the second run (after), of the same suite')
    .option('--out <dir>', 'folder to write compare.html, compare.md and compare.json to (required)')
    .option('--json', 'print the headline, warnings and totals as JSON on stdout')
    .addHelpText(
      'after',
      `
Pairs are matched by case id, turn and repeat; cases only in one run are listed, not compared. Each side is
compared with itself in the other run ("A 1.31× slower in denoise"), and each side's outputs are diffed pixel by
pixel. See docs/compare.md.

Example:
  omni-review run --suite fixtures/suites/demo.yaml --out runs/before
  omni-review run --suite fixtures/suites/demo.yaml --out runs/after --a-faults typo=0.3 --a-sim-time-scale 1.5
  omni-review compare runs/before runs/after --out runs/compare`,
    )
    .action(async (run1: string, run2: string, opts: CompareCommandOptions) =>
      setExit(await (await import('./compare-command.ts')).compareCommand(run1, run2, opts, io)),
    );

  cli
    .command('text-check')
    .description('read the text in images (OCR) and score it against the expected text, without a run')
    .option('--image <file>', 'one image to read')
    .option('--expect <text>', 'the text --image should show')
    .option('--source <text>', 'for an edit: the text the source image showed (flags text.source_kept when still there)')
    .option('--manifest <file>', 'a JSON list of { "image": "path relative to the manifest", "expected": "text" }')
    .option('--json', 'one JSON object per image and line: image, expected, recognized, cer, ned, pass, tags, lines…')
    .addOption(new Option('--engine <name>', 'OCR engine').choices(['ppocr', 'tesseract']).default('ppocr'))
    .option('--max-cer <x>', 'fail when the character error rate is above this (default: docs/text-check.md)')
    .option('--min-recall <x>', 'fail when the bag-of-words recall is below this (default: docs/text-check.md)')
    .option('--workers <n>', 'OCR worker threads (default: cores − 1, at most 2)')
    .addHelpText(
      'after',
      `
Scores (docs/text-check.md): CER, NED similarity, word accuracy (English), character accuracy (Chinese),
bag-of-words recall; case, width, punctuation and CJK spacing are normalised first. Failing images get
suggested tags: text.missing, text.misspelled, text.extra, text.garbled, text.source_kept.

Examples:
  omni-review text-check --image out.png --expect "FRESH COFFEE" --json
  omni-review text-check --manifest items.json --json

Exit codes:
  0    every image was read (whether its text passed or not)
  1    some images could not be read (missing, not an image, OCR unavailable on this machine)
  2    bad input: flags, or a manifest that is not a list of { image, expected } inside its folder`,
    )
    .action(async (opts: TextCheckCommandOptions) => setExit(await (await import('./text-check-command.ts')).textCheckCommand(opts, io)));
  const bench = cli
    .command('bench')
    .description('import and compare `vllm bench serve` results (printed blocks, notes with blocks pasted in, --save-result JSON)');
  bench
    .command('import')
    .description('read vllm bench serve output into one record per result (metric keys as --save-result names them)')
    .argument('<files...>', 'printed output or notes (.txt/.md/.log: every "Serving Benchmark Result" block), --save-result JSON, or a sweep folder / sweep.json (one result per point and side)')
    .option('--json', 'print {"results": [...]} for scripts: source, line, heading, metrics, unparsed lines')
    .addHelpText(
      'after',
      `
A file with several blocks gives several results, each named by the markdown heading or line of text above it.
Lines inside a block that match no known row are kept under "unparsed" (and listed here), never dropped.
See docs/bench-import.md for the vLLM versions read and the label → key table.

Examples:
  omni-review bench import notes.md
  omni-review bench import vllm-result.json --json > results.json
${BENCH_EXIT_HELP}`,
    )
    .action(async (files: string[], opts: BenchImportOptions) =>
      setExit(await (await import('./bench-command.ts')).benchImportCommand(files, opts, io)),
    );
  bench
    .command('compare')
    .description('put two or more results side by side: deltas against a baseline, better/worse per metric, and a verdict')
    .argument('<inputs...>', 'files as for bench import (or its --json output), or sweep output folders / sweep.json; every result in them is compared, in order')
    .option('--baseline <n>', 'which result the others are measured against (1 = the first)', '1')
    .option('--noise <percent>', 'changes within this percent of the baseline read as "same"', '1')
    .option('--point <ids>', 'sweep inputs: only these points (ids like b4-p512-c2-rinf or labels like 4×512 c2, comma-separated)')
    .addOption(new Option('--side <side>', 'sweep inputs: only this side').choices(['A', 'B']))
    .option('--json', 'print the comparison for scripts (values, deltas, judgements, verdicts)')
    .option('--md', 'print a Markdown table (for notes) instead of the terminal table')
    .addHelpText(
      'after',
      `
Better means: throughput, successful requests higher; latencies (TTFT, TPOT, ITL, E2EL), failures lower.
Settings (request rate, max concurrency, burstiness, prompts) are shown, not judged, and a note says when they differ.
The last lines are the verdict on the headline metrics: Worth it / Not worth it / Mixed / No change.

Examples:
  omni-review bench compare notes.md                      (a file with a Before and an After block)
  omni-review bench compare before.json after.json --md
  omni-review bench compare sweeps/demo --point b1-p512-c4-rinf          (A against B at one point of a sweep)
  omni-review bench compare before-sweep/ after-sweep/ --point 4×512 c2 --side A   (one point, two sweeps)
${BENCH_EXIT_HELP}`,
    )
    .action(async (inputs: string[], opts: BenchCompareOptions) =>
      setExit(await (await import('./bench-command.ts')).benchCompareCommand(inputs, opts, io)),
    );

  return cli;
}

/** --a/--b and what goes with them, the same for `run` and `sweep` (parsed by backend-options.ts). */
function addBackendOptions(cmd: Command): Command {
  return cmd
    .option('--a <url|sim>', 'backend A: "sim" (embedded simulator) or a base URL such as http://127.0.0.1:8000', SIM_URL)
    .option('--b <url|sim>', 'backend B: "sim" or a base URL such as http://127.0.0.1:8001', SIM_URL)
    .addOption(new Option('--a-kind <kind>', 'protocol of A').choices(['vllm-omni', 'diffusers']).default(DEFAULT_KIND.A))
    .addOption(new Option('--b-kind <kind>', 'protocol of B').choices(['vllm-omni', 'diffusers']).default(DEFAULT_KIND.B))
    .option('--a-faults <spec>', 'simulator only: faults to inject into A, e.g. "typo=0.3,5xx=0.1"', '')
    .option('--b-faults <spec>', 'simulator only: faults to inject into B', '')
    .option('--sim-time-scale <x>', 'simulator only: multiply the modelled durations (1 = real-world seconds)', String(DEFAULT_TIME_SCALE))
    .option('--health-timeout <seconds>', 'how long to wait for a real server\'s /health', '600');
}

/** Turn an expected failure into one line and an exit code; anything else is a bug and keeps its stack. */
function exitCodeForError(err: unknown, io: CliIo): number {
  if (err instanceof SuiteError) {
    io.stderr.write(`error: ${err.describeAll()}\n`);
    return EXIT.usage;
  }
  if (err instanceof UsageError || err instanceof RunInputError) {
    io.stderr.write(`error: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof StoreError) {
    // One line: what happened, what is safe, what to do (core/store/store-error.ts); 2 or 4.
    io.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof CommanderError) {
    // commander already printed its message (and help for --help / --version, which are not errors).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  io.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.jobsFailed;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program(io, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    return exitCodeForError(err, io);
  }
}
