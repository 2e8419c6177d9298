/**
 * The protocol-neutral request both simulated servers render, the errors their parsers raise, and the field
 * coercion they share. Each protocol module turns a RequestError into its own error shape.
 */
import sharp from 'sharp';
import { hashBytes, hashHex } from './hash.ts';
import type { OutputFormat } from './render.ts';
import { checkRenderable, floorToPipelineMultiple, parseWxH } from './sizes.ts';
import { MAX_SEED, type Dimensions } from '../../../shared/model.ts';

/** pydantic's description of a rejected field, for FastAPI-style 422 bodies. */
export interface ValidationDetail {
  type: string;
  msg: string;
  input: unknown;
}

export class RequestError extends Error {
  readonly status: number;
  /** The request field at fault, when there is one. */
  readonly field: string | undefined;
  /** Set for failures FastAPI reports as 422 validation errors (missing field, wrong type, out of range). */
  readonly validation: ValidationDetail | undefined;

  constructor(status: number, message: string, init: { field?: string; validation?: ValidationDetail } = {}) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.field = init.field;
    this.validation = init.validation;
  }
}

export function missingField(field: string): RequestError {
  return new RequestError(422, `field "${field}" is required`, {
    field,
    validation: { type: 'missing', msg: 'Field required', input: null },
  });
}

export interface SimInput {
  bytes: Buffer;
  /** Where it came from, for error messages: "image[0] (cat.png)", "url[1]", "messages[0].content[1]". */
  label: string;
  width: number;
  height: number;
}

export interface SimRequest {
  mode: 'edit' | 'generate';
  prompt: string;
  negativePrompt: string | undefined;
  seed: number;
  seedGiven: boolean;
  steps: number;
  trueCfgScale: number;
  /** Whether true CFG runs under this server's rule (two transformer passes per step). */
  cfg: boolean;
  /** What the pipeline renders (floored to a multiple of 16). */
  width: number;
  height: number;
  /** The `size` the client sent ("auto" or "WxH"), or null when it sent none. */
  requestedSize: string | null;
  inputs: SimInput[];
  outputFormat: OutputFormat;
  /** Images asked for (`n`, 1 to 10; the images endpoints only): one image rendered, returned n times. Default 1. */
  n?: number;
}

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}

export function optString(field: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') {
    throw new RequestError(422, `field "${field}" must be a string`, {
      field,
      validation: { type: 'string_type', msg: 'Input should be a valid string', input: raw },
    });
  }
  return raw;
}

function rangeCheck(field: string, value: number, raw: unknown, min: number, max: number): number {
  if (value < min) {
    throw new RequestError(422, `field "${field}" must be at least ${min}, got ${value}`, {
      field,
      validation: { type: 'greater_than_equal', msg: `Input should be greater than or equal to ${min}`, input: raw },
    });
  }
  if (value > max) {
    throw new RequestError(422, `field "${field}" must be at most ${max}, got ${value}`, {
      field,
      validation: { type: 'less_than_equal', msg: `Input should be less than or equal to ${max}`, input: raw },
    });
  }
  return value;
}

/** An optional integer (JSON number or numeric string, as pydantic's lax mode accepts). */
export function optInt(field: string, raw: unknown, min: number, max: number): number | undefined {
  if (isBlank(raw)) return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value)) {
    throw new RequestError(422, `field "${field}" must be an integer, got ${JSON.stringify(raw)}`, {
      field,
      validation: {
        type: typeof raw === 'string' ? 'int_parsing' : 'int_type',
        msg: typeof raw === 'string' ? 'Input should be a valid integer, unable to parse string as an integer' : 'Input should be a valid integer',
        input: raw,
      },
    });
  }
  return rangeCheck(field, value, raw, min, max);
}

export function optFloat(field: string, raw: unknown, min: number, max: number): number | undefined {
  if (isBlank(raw)) return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw new RequestError(422, `field "${field}" must be a number, got ${JSON.stringify(raw)}`, {
      field,
      validation: {
        type: typeof raw === 'string' ? 'float_parsing' : 'float_type',
        msg: typeof raw === 'string' ? 'Input should be a valid number, unable to parse string as a number' : 'Input should be a valid number',
        input: raw,
      },
    });
  }
  return rangeCheck(field, value, raw, min, max);
}

export function optBool(field: string, raw: unknown): boolean | undefined {
  if (isBlank(raw)) return undefined;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^(true|1|yes|on)$/i.test(raw)) return true;
  if (typeof raw === 'string' && /^(false|0|no|off)$/i.test(raw)) return false;
  throw new RequestError(422, `field "${field}" must be true or false, got ${JSON.stringify(raw)}`, {
    field,
    validation: { type: 'bool_parsing', msg: 'Input should be a valid boolean, unable to interpret input', input: raw },
  });
}

export function parseOutputFormat(raw: unknown): OutputFormat {
  const value = optString('output_format', raw)?.toLowerCase();
  if (value === undefined || value === 'png') return 'png';
  if (value === 'jpeg' || value === 'jpg') return 'jpeg';
  if (value === 'webp') return 'webp';
  throw new RequestError(400, `Invalid output_format "${value}": use png, jpeg or webp`, { field: 'output_format' });
}

export function checkResponseFormat(raw: unknown): void {
  const value = optString('response_format', raw);
  if (value !== undefined && value !== 'b64_json') {
    throw new RequestError(400, `Invalid response_format "${value}": the simulator returns b64_json only`, { field: 'response_format' });
  }
}

export function checkSingleOutput(field: string, n: number | undefined): void {
  if (n !== undefined && n !== 1) {
    throw new RequestError(400, `${field}=${n} is not supported: the simulator returns one image per request (send ${field}=1 or omit it)`, {
      field,
    });
  }
}

/** A random seed, as current servers choose when none is sent. */
export function randomSeed(): number {
  return Math.floor(Math.random() * (MAX_SEED + 1));
}

/** Resolve an explicit "WxH" (or null for the caller's default) and check the simulator can render it. */
export function explicitSize(raw: string | undefined): Dimensions | 'auto' | null {
  if (raw === undefined || raw.trim() === '') return null;
  if (raw.trim().toLowerCase() === 'auto') return 'auto';
  const d = parseWxH(raw);
  if (!d) throw new RequestError(400, `Invalid size "${raw}": use WIDTHxHEIGHT, e.g. 1024x1024, or auto`, { field: 'size' });
  return d;
}

/** Reject what the simulator will not render, then floor to the pipeline multiple (1000x1000 → 992x992). */
export function pipelineSize(d: Dimensions): Dimensions {
  const problem = checkRenderable(d);
  if (problem) throw new RequestError(400, `Invalid size: ${problem}`, { field: 'size' });
  return floorToPipelineMultiple(d);
}

/** Read an input image's header; a RequestError naming the input when it is not an image sharp can decode. */
export async function inspectImage(bytes: Buffer, label: string): Promise<SimInput> {
  if (bytes.length === 0) throw new RequestError(400, `Input image ${label} is empty (0 bytes)`, { field: 'image' });
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error('no pixel dimensions');
    return { bytes, label, width: meta.width, height: meta.height };
  } catch (err) {
    throw new RequestError(
      400,
      `Could not decode input image ${label} (${bytes.length} bytes): ${(err as Error).message}. Send a PNG, JPEG or WebP image.`,
      { field: 'image' },
    );
  }
}

/**
 * The request identity faults are decided on: prompt, seed, output size and the input bytes. Retrying the same
 * request keeps the identity; the server counts attempts per identity.
 */
export function requestIdentity(r: SimRequest): string {
  return hashHex('identity', r.prompt, r.seed, `${r.width}x${r.height}`, ...r.inputs.map((i) => hashBytes(i.bytes)));
}
