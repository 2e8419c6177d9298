/**
 * Browser mode's per-launch secret. Host and Origin checks stop web pages, not other local users: anyone on
 * the machine can reach a loopback port with curl. So every request must carry a random token that only the
 * user who started `omni-review serve` ever saw (it is printed in the URL to open).
 *
 * How a request carries it, in order of preference:
 *   - the cookie `omni-review-<port>` (HttpOnly, SameSite=Lax, Path=/), set by the first request that carries
 *     a valid `?token=`; the page, its images, its fetches and its event stream then send it on their own, so
 *     the renderer never handles the secret;
 *   - `Authorization: Bearer <token>` (scripts);
 *   - `?token=<token>` on the URL (the printed address; also handy for curl).
 *
 * Comparisons are constant-time (both sides hashed to a fixed length first, then timingSafeEqual).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes (256 bits), URL-safe. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What a token supplied from outside (OMNI_REVIEW_TOKEN) must look like: at least 128 bits of URL-safe text. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,256}$/;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality of a candidate with the real token (no early exit on the first differing byte). */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 1024) return false;
  return timingSafeEqual(digest(candidate), digest(token));
}

export function cookieName(port: number): string {
  return `omni-review-${port}`;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The Set-Cookie header that lets the page (and its images and event stream) in without the token in the URL. */
export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Lax`;
}

export interface TokenCheckInput {
  cookie: string | undefined;
  authorization: string | undefined;
  /** The `token` query parameter, or null. */
  queryToken: string | null;
}

/**
 * Whether a request carries the token, and how. `query` means it came on the URL: the host then sets the
 * cookie (and sends a page navigation back to the same address without it).
 */
export function checkToken(input: TokenCheckInput, port: number, token: string): 'cookie' | 'header' | 'query' | null {
  if (tokenMatches(readCookie(input.cookie, cookieName(port)), token)) return 'cookie';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(input.authorization ?? '');
  if (bearer && tokenMatches(bearer[1], token)) return 'header';
  if (tokenMatches(input.queryToken, token)) return 'query';
  return null;
}
