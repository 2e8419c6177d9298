/**
 * The --a/--b options every command that talks to both backends takes (`run`, `sweep`): one parser, so the two
 * commands accept exactly the same values and say the same thing about a wrong one. main.ts declares the options
 * (addBackendOptions) without loading this module (it imports the engine's target parser).
 */
import type { BackendKind } from '../../shared/model.ts';
import { parseBackendTarget } from '../engine/backend-target.ts';
import { parseKindOption, parsePositiveNumberOption, parseSecondsOption } from './args.ts';

export interface BackendOptionValues {
  a: string;
  b: string;
  aKind: string;
  bKind: string;
  aFaults: string;
  bFaults: string;
  simTimeScale: string;
  healthTimeout: string;
}

export interface ParsedBackendOptions {
  targets: Record<'A' | 'B', { target: string; kind: BackendKind; faults: string }>;
  simTimeScale: number;
  healthDeadlineMs: number;
}

export function parseBackendOptions(o: BackendOptionValues): ParsedBackendOptions {
  return {
    targets: {
      A: { target: parseBackendTarget('--a', o.a), kind: parseKindOption('--a-kind', o.aKind), faults: o.aFaults },
      B: { target: parseBackendTarget('--b', o.b), kind: parseKindOption('--b-kind', o.bKind), faults: o.bFaults },
    },
    simTimeScale: parsePositiveNumberOption('--sim-time-scale', o.simTimeScale, 0, 100),
    healthDeadlineMs: parseSecondsOption('--health-timeout', o.healthTimeout, 1, 86_400),
  };
}
