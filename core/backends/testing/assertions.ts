/** Small test helpers for code that talks HTTP: the error a promise failed with, and a port nobody listens on. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendError } from '../types.ts';

/** The BackendError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof BackendError) return err;
    throw err;
  }
  throw new Error('expected a BackendError, got success');
}

/** A loopback port with nothing listening on it (for connection-refused cases). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
