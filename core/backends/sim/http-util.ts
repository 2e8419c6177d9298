/**
 * Small HTTP helpers for the simulators (node:http, no framework).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientGoneError } from './lifecycle.ts';

/** Largest request body the simulators accept (a few full-size images in base64 fit easily). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body is larger than ${Math.round(limit / (1024 * 1024))} MiB; send smaller images`);
    this.name = 'BodyTooLargeError';
  }
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        // Keep draining so the 413 can still be written on this connection.
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!failed) resolve(Buffer.concat(chunks));
    });
    // A connection torn down mid-upload (client gone, or close()) must not leave the reader waiting forever.
    req.on('close', () => {
      if (!ended && !failed) {
        failed = true;
        reject(new ClientGoneError());
      }
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(body), 'application/json', headers);
}

export function sendRaw(res: ServerResponse, status: number, text: string, contentType: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': String(bytes.length) });
  res.end(bytes);
}

/** Parse a multipart/form-data body with the platform's own parser (undici's FormData). */
export async function parseMultipart(body: Buffer, contentType: string): Promise<FormData> {
  return new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
}

export interface DataUrl {
  mime: string;
  bytes: Buffer;
}

/** `data:image/png;base64,....` → bytes; null when `url` is not a base64 data URL. */
export function parseDataUrl(url: string): DataUrl | null {
  const m = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/s.exec(url.trim());
  if (!m) return null;
  return { mime: m[1] || 'application/octet-stream', bytes: decodeBase64Strict(m[3] ?? '') ?? Buffer.alloc(0) };
}

/** Base64 (standard or URL-safe, whitespace allowed) → bytes, or null when it is not base64. */
export function decodeBase64Strict(text: string): Buffer | null {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return null;
  return Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64');
}

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
