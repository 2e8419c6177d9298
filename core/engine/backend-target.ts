/**
 * Where a side's requests go, as the user gave it (the CLI's --a/--b, the UI's target field). Throws
 * RunInputError with a sentence that names the option, what was given and what is expected.
 */
import { SIM_URL } from '../../shared/model.ts';
import { RunInputError } from './errors.ts';

/**
 * A backend target: `sim` (the embedded simulator) or an http(s) base URL. Credentials in the URL are refused
 * (they would be written into run records and reports); a path is kept (servers behind a prefix), a trailing
 * slash and any query/fragment are dropped because we append /v1/... ourselves.
 */
export function parseBackendTarget(option: string, raw: string): string {
  const value = raw.trim();
  if (value === SIM_URL) return SIM_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RunInputError(`${option}: expected "sim" or a base URL like http://127.0.0.1:8000, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RunInputError(`${option}: only http:// and https:// servers are supported, got "${url.protocol}"`);
  }
  if (url.username || url.password) {
    throw new RunInputError(`${option}: remove the user name/password from the URL; they would be stored in run records and reports`);
  }
  if (url.search || url.hash) {
    throw new RunInputError(`${option}: give the server's base URL without ?query or #fragment, e.g. ${url.origin}`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}
