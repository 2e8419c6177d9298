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
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
