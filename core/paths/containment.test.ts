import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containedFile, containedFileOrNull, isInside, isReallyInsideAny } from './containment.ts';

describe('isInside', () => {
  it('is lexical containment, root included, siblings with a common prefix excluded', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/etc/passwd')).toBe(false);
  });
});

describe('containedFile', () => {
  const base = mkdtempSync(join(tmpdir(), 'omni-contain-'));
  const run = join(base, 'run');
  const outside = join(base, 'outside');
  mkdirSync(join(run, 'images', 'ab'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(run, 'images', 'ab', 'x.png'), 'x');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  // A symlinked sub-folder and a symlinked file, both leading out of the run folder.
  symlinkSync(outside, join(run, 'images', 'cd'));
  symlinkSync(join(outside, 'secret.txt'), join(run, 'images', 'ab', 'link.png'));
  symlinkSync('/etc', join(run, 'etc'));
  // A link that stays inside is fine.
  symlinkSync(join(run, 'images', 'ab', 'x.png'), join(run, 'inside.png'));

  it('serves a real file inside the root', () => {
    expect(containedFile(run, 'images/ab/x.png')).toEqual({ ok: true, path: join(run, 'images', 'ab', 'x.png') });
    expect(containedFileOrNull(run, 'inside.png')).toBe(join(run, 'images', 'ab', 'x.png'));
  });
  it('refuses ../ and absolute paths out of the root without touching the disk', () => {
    expect(containedFile(run, '../outside/secret.txt')).toEqual({ ok: false, reason: 'outside-root' });
    expect(containedFile(run, '/etc/passwd')).toEqual({ ok: false, reason: 'outside-root' });
    expect(containedFile(run, 'images/\0x')).toEqual({ ok: false, reason: 'outside-root' });
  });
  it('refuses a symlinked sub-folder or file that leads out (the whole path is resolved, not only the last part)', () => {
    expect(containedFile(run, 'images/cd/secret.txt')).toEqual({ ok: false, reason: 'outside-root' });
    expect(containedFile(run, 'images/ab/link.png')).toEqual({ ok: false, reason: 'outside-root' });
    expect(containedFile(run, 'etc/passwd')).toEqual({ ok: false, reason: 'outside-root' });
  });
  it('says not-found / not-a-file for what is missing or a folder', () => {
    expect(containedFile(run, 'images/ab/nope.png')).toEqual({ ok: false, reason: 'not-found' });
    expect(containedFile(run, 'images')).toEqual({ ok: false, reason: 'not-a-file' });
  });
  it('judges folders against several roots after resolving links', () => {
    expect(isReallyInsideAny([run], join(run, 'images', 'ab'))).toBe(true);
    expect(isReallyInsideAny([run], join(run, 'images', 'cd'))).toBe(false);
    expect(isReallyInsideAny([run, outside], join(run, 'images', 'cd'))).toBe(true);
    expect(isReallyInsideAny([run], '/etc')).toBe(false);
  });
});
