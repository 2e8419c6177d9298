import { mkdtemp, mkdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containedPath, decodePathSegments, isInside, resolveStaticFile } from './path-guard.ts';

describe('decodePathSegments', () => {
  it('decodes ordinary segments once', () => {
    expect(decodePathSegments('/assets/index-1.js')).toEqual({ ok: true, segments: ['assets', 'index-1.js'] });
    expect(decodePathSegments('/a%20b/%E4%BD%A0.png')).toEqual({ ok: true, segments: ['a b', '你.png'] });
    expect(decodePathSegments('/')).toEqual({ ok: true, segments: [] });
    // Double encoding stays literal: %252e%252e is the file name "%2e%2e", not "..".
    expect(decodePathSegments('/%252e%252e/x')).toEqual({ ok: true, segments: ['%2e%2e', 'x'] });
  });

  it.each([
    ['/../etc/passwd', 'dot-segment'],
    ['/a/%2e%2e/b', 'dot-segment'],
    ['/a/%2E%2e/b', 'dot-segment'],
    ['/a/./b', 'dot-segment'],
    ['/a/%2e/b', 'dot-segment'],
    ['/..%2f..%2fetc%2fpasswd', 'separator'],
    ['/a%2F..%2F..%2Fsecret', 'separator'],
    ['/..%5c..%5cwindows', 'separator'],
    ['/a\\..\\b', 'separator'],
    ['/index.html%00.png', 'control-character'],
    ['/a%0a', 'control-character'],
    ['/C:/Windows/win.ini', 'drive-or-stream'],
    ['/file.txt:stream', 'drive-or-stream'],
    ['//etc/passwd', 'empty-segment'],
    ['/assets/', 'empty-segment'],
    ['/%E4%BD', 'malformed-encoding'],
    ['/%zz', 'malformed-encoding'],
  ])('refuses %s (%s)', (pathname, reason) => {
    expect(decodePathSegments(pathname)).toEqual({ ok: false, reason });
  });
});

describe('isInside', () => {
  it('accepts the root and paths below it only', () => {
    expect(isInside('/srv/app', '/srv/app')).toBe(true);
    expect(isInside('/srv/app', '/srv/app/a/b')).toBe(true);
    expect(isInside('/srv/app', '/srv/app-evil/x')).toBe(false);
    expect(isInside('/srv/app', '/srv')).toBe(false);
    expect(isInside('/srv/app', '/etc/passwd')).toBe(false);
    // A name that merely starts with two dots is still inside.
    expect(isInside('/srv/app', '/srv/app/..hidden')).toBe(true);
  });
});

describe('containedPath', () => {
  it('maps a URL path under the root', () => {
    expect(containedPath('/srv/app', '/assets/a.js')).toEqual({ ok: true, path: '/srv/app/assets/a.js' });
  });
  it('never leaves the root, even for absolute-looking paths', () => {
    expect(containedPath('/srv/app', '/etc/passwd')).toEqual({ ok: true, path: '/srv/app/etc/passwd' });
    expect(containedPath('/srv/app', '/%2Fetc%2Fpasswd')).toEqual({ ok: false, reason: 'separator' });
    expect(containedPath('/srv/app', '/a/../../etc')).toEqual({ ok: false, reason: 'dot-segment' });
  });
});

describe('resolveStaticFile (real files and symlinks)', () => {
  let base: string;
  let root: string;
  const fs = { realpath, stat };

  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'omni-path-guard-')));
    root = join(base, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    await writeFile(join(root, 'assets', 'app.js'), 'x');
    await writeFile(join(base, 'secret.txt'), 'secret');
    await symlink(join(base, 'secret.txt'), join(root, 'escape.txt'));
    await symlink(base, join(root, 'up'));
    await symlink(join(root, 'assets', 'app.js'), join(root, 'alias.js'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds files inside the root', async () => {
    expect(await resolveStaticFile(root, '/index.html', fs)).toEqual({ ok: true, path: join(root, 'index.html') });
    expect(await resolveStaticFile(root, '/assets/app.js', fs)).toEqual({ ok: true, path: join(root, 'assets', 'app.js') });
  });

  it('follows a symlink that stays inside, to its real path', async () => {
    expect(await resolveStaticFile(root, '/alias.js', fs)).toEqual({ ok: true, path: join(root, 'assets', 'app.js') });
  });

  it('refuses symlinks that lead out of the root', async () => {
    expect(await resolveStaticFile(root, '/escape.txt', fs)).toEqual({ ok: false, reason: 'outside-root' });
    expect(await resolveStaticFile(root, '/up/secret.txt', fs)).toEqual({ ok: false, reason: 'outside-root' });
  });

  it('answers not-found for missing files and folders', async () => {
    expect(await resolveStaticFile(root, '/nope.js', fs)).toEqual({ ok: false, reason: 'not-found' });
    expect(await resolveStaticFile(root, '/assets', fs)).toEqual({ ok: false, reason: 'not-found' });
  });

  it('refuses traversal before touching the disk', async () => {
    const touched: string[] = [];
    const spy = {
      realpath: async (p: string) => {
        touched.push(p);
        return p;
      },
      stat: async () => ({ isFile: () => true }),
    };
    expect(await resolveStaticFile(root, '/..%2fsecret.txt', spy)).toEqual({ ok: false, reason: 'separator' });
    expect(await resolveStaticFile(root, '/%2e%2e/secret.txt', spy)).toEqual({ ok: false, reason: 'dot-segment' });
    expect(touched).toEqual([]);
  });
});
