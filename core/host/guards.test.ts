import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowedHost, isAllowedOrigin, staticFilePath } from './guards.ts';

describe('isAllowedHost', () => {
  it('accepts loopback names with our port only', () => {
    expect(isAllowedHost('127.0.0.1:4000', 4000)).toBe(true);
    expect(isAllowedHost('localhost:4000', 4000)).toBe(true);
    expect(isAllowedHost('[::1]:4000', 4000)).toBe(true);
    expect(isAllowedHost('127.0.0.1:4001', 4000)).toBe(false);
    expect(isAllowedHost('evil.example:4000', 4000)).toBe(false);
    expect(isAllowedHost('127.0.0.1', 4000)).toBe(false);
    expect(isAllowedHost(undefined, 4000)).toBe(false);
  });
});

describe('isAllowedOrigin', () => {
  it('accepts our own origin and requests without browser headers', () => {
    expect(isAllowedOrigin('http://127.0.0.1:4000', 'same-origin', 4000)).toBe(true);
    expect(isAllowedOrigin('http://localhost:4000', undefined, 4000)).toBe(true);
    expect(isAllowedOrigin(undefined, undefined, 4000)).toBe(true);
  });
  it('refuses other sites, other ports and opaque origins', () => {
    expect(isAllowedOrigin('https://evil.example', 'cross-site', 4000)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:4001', undefined, 4000)).toBe(false);
    expect(isAllowedOrigin('null', undefined, 4000)).toBe(false);
    expect(isAllowedOrigin(undefined, 'cross-site', 4000)).toBe(false);
    expect(isAllowedOrigin(undefined, 'same-site', 4000)).toBe(false);
  });
});

describe('staticFilePath', () => {
  const root = mkdtempSync(join(tmpdir(), 'omni-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), '');
  const outside = mkdtempSync(join(tmpdir(), 'omni-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'x');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'assets', 'link.txt'));

  it('serves files under the root and index.html for app routes', () => {
    expect(staticFilePath(root, '/')).toBe(join(root, 'index.html'));
    expect(staticFilePath(root, '/review/some-run')).toBe(join(root, 'index.html'));
    expect(staticFilePath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });
  it('refuses traversal in every spelling, NUL, backslashes and symlinks', () => {
    for (const bad of ['/../etc/passwd', '/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc/passwd', '/assets\\..\\x', '/a%00.js', '/%E0%A4%A', '/assets/link.txt', '/missing.js']) {
      expect(staticFilePath(root, bad), bad).toBeNull();
    }
  });
});
