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
// glibc's malloc gives each thread that allocates its own arena (up to 8 per core). A run decodes and encodes images
// on many threads at once (libvips, onnxruntime, the worker threads), and freed image buffers stay spread over
// those arenas: a 100-case run peaked ~190 MB higher with the default than with two arenas (docs/performance.md,
// issue 10). MALLOC_ARENA_MAX is read once, when a process starts, so on Linux the CLI replaces itself (execve:
// same pid, so signals, kill -9 and exit codes are the caller's as before) with a copy that has it set, unless the
// caller already chose a value.
if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_ARENA_MAX: '2' });
}
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
