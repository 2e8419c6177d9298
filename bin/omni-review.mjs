#!/usr/bin/env node
// Entry point of the `omni-review` CLI. Plain JavaScript so that it can say something useful on any Node:
// the engine is TypeScript run by Node's built-in type stripping and needs Node >= 22.13 (we pin 24).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `omni-review needs Node >= 22.13 (this is ${process.version}).\n` +
      `Run it through npm so the project's pinned Node is used: \`npx omni-review …\` or \`npm exec omni-review -- …\` ` +
      `from the project folder after \`npm install\`.\n`,
  );
  process.exit(2);
}
// glibc's malloc, tuned for a process that decodes and encodes megabyte-sized images on many threads (libvips,
// onnxruntime, the worker threads); measured in docs/performance.md, issue 10:
// - MALLOC_ARENA_MAX=2: by default each thread that allocates gets its own arena (up to 8 per core), and freed image
//   buffers stay spread over them; a 100-case run peaked ~190 MB higher with the default.
// - MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ at 128 KiB: by default the mmap threshold rises to the size of
//   the largest block freed (up to 32 MiB), so after the first image buffer is freed every later one comes from the
//   heaps, which fragment and seldom shrink. A fixed threshold maps each buffer and gives it back when freed; a
//   100-case run peaked ~100 MB lower with it, in the same time.
// These are read once, when a process starts, so on Linux the CLI replaces itself (execve: same pid, so signals,
// kill -9 and exit codes are the caller's as before) with a copy that has them, keeping any the caller set.
const MALLOC_TUNING = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
const mallocMissing = Object.entries(MALLOC_TUNING).filter(([name]) => process.env[name] === undefined);
if (process.platform === 'linux' && mallocMissing.length > 0 && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, ...Object.fromEntries(mallocMissing) });
}
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
