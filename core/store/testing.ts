/**
 * Test support for the store and the runner: a valid run configuration and small real images.
 * Not used by product code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { BackendConfig, RunConfig, Side, Suite } from '../../shared/model.ts';

export function backendConfig(side: Side, overrides: Partial<BackendConfig> = {}): BackendConfig {
  return {
    side,
    kind: side === 'A' ? 'vllm-omni' : 'diffusers',
    target: 'sim',
    url: 'http://127.0.0.1:1',
    simulated: true,
    label: side === 'A' ? 'vLLM-Omni (simulated)' : 'diffusers (simulated)',
    concurrency: 2,
    timeoutMs: 10_000,
    faults: '',
    ...overrides,
  };
}

export function sampleSuite(): Suite {
  return {
    name: 'sample',
    defaults: {},
    cases: [
      {
        id: 'gen-1',
        category: 'generation',
        inputs: [],
        turns: [{ prompt: 'a poster that says "HELLO"', expectedText: ['HELLO'] }],
        params: {},
        tags: [],
      },
    ],
  };
}

export function sampleRunConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    id: 'run-test',
    createdAt: '2025-01-01T00:00:00.000Z',
    suite: sampleSuite(),
    suiteSource: 'suites/sample.yaml',
    backends: { A: backendConfig('A'), B: backendConfig('B') },
    params: { overrides: {}, repeats: 1, retries: 0 },
    ...overrides,
  };
}

/** A real PNG of one colour. Different colours give different bytes (and image ids). */
export async function solidPng(width: number, height: number, rgb: readonly [number, number, number]): Promise<Uint8Array> {
  const buffer = await sharp({
    create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } },
  })
    .png()
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A fresh temp folder and its cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `omni-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
