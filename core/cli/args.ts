/**
 * Parsing and checking of command-line values. Each throws UsageError with a sentence that names the
 * option, what was given and what is expected, so `omni-review` can print it and exit 2.
 */
import { BACKEND_KINDS, type BackendKind } from '../../shared/model.ts';
import { checkSize } from '../suite/size.ts';

import { UsageError } from './usage-error.ts';

export { UsageError };

export function parseIntOption(option: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Seconds (may be fractional) → ms. */
export function parseSecondsOption(option: string, raw: string, minSeconds: number, maxSeconds: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < minSeconds || value > maxSeconds) {
    throw new UsageError(`${option}: expected seconds from ${minSeconds} to ${maxSeconds}, got "${raw}"`);
  }
  return Math.round(value * 1000);
}

export function parsePositiveNumberOption(option: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${option}: expected a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Same rule as suite files (core/suite/size.ts), so `--size` and `size:` accept exactly the same values. */
export function parseSizeOption(option: string, raw: string): string {
  const problem = checkSize(raw.trim());
  if (problem) throw new UsageError(`${option}: ${problem.problem}. ${problem.hint}`);
  return raw.trim();
}

export function parseKindOption(option: string, raw: string): BackendKind {
  if ((BACKEND_KINDS as readonly string[]).includes(raw)) return raw as BackendKind;
  throw new UsageError(`${option}: expected one of ${BACKEND_KINDS.join(', ')}, got "${raw}"`);
}
