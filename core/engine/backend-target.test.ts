import { describe, expect, it } from 'vitest';
import { parseBackendTarget } from './backend-target.ts';
import { RunInputError } from './errors.ts';

describe('parseBackendTarget', () => {
  it('accepts sim and http(s) base URLs, normalising the tail', () => {
    expect(parseBackendTarget('--a', 'sim')).toBe('sim');
    expect(parseBackendTarget('--a', 'http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000');
    expect(parseBackendTarget('--a', 'http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000');
    expect(parseBackendTarget('--b', 'https://gpu-box.example:8443/omni/')).toBe('https://gpu-box.example:8443/omni');
  });
  it('refuses other schemes, credentials, queries and junk with the option name', () => {
    expect(() => parseBackendTarget('--a', 'file:///etc/passwd')).toThrow(/--a: only http/);
    expect(() => parseBackendTarget('--a', 'http://user:pw@host:1')).toThrow(/user name\/password/);
    expect(() => parseBackendTarget('--b', 'http://host:1/?x=1')).toThrow(/without \?query/);
    expect(() => parseBackendTarget('--b', 'localhost:8000')).toThrow(RunInputError);
    expect(() => parseBackendTarget('--b', 'nonsense')).toThrow(/expected "sim" or a base URL/);
  });
});
