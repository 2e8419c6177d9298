import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    // Integration tests start loopback servers and worker threads; keep the 2-core CI machine unsaturated.
    maxWorkers: 2,
    // A guard against a hung test, not a speed budget: tests wait on events or bounded polling, and on a busy 2-core
    // machine an integration test that takes 5 s idle can take over a minute (issue 9, finding 8).
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
