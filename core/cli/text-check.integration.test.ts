import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSign } from '../ocr/test-sign.ts';
import type { TextCheckLine } from './text-check-command.ts';
import { runCliInProcess } from './testing.ts';

describe('omni-review text-check', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omni-text-check-'));
    await mkdir(join(dir, 'set'));
    await writeFile(join(dir, 'set', 'ok.png'), await renderSign(['FRESH COFFEE']));
    await writeFile(join(dir, 'set', 'typo.png'), await renderSign(['新年快东']));
    await writeFile(join(dir, 'set', 'broken.png'), 'not a png');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks one image and prints one JSON object (exit 0)', async () => {
    const { code, stdout, stderr } = await runCliInProcess('text-check', '--image', join(dir, 'set', 'ok.png'), '--expect', 'Fresh coffee!', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const line = JSON.parse(stdout.trim()) as TextCheckLine;
    expect(line).toMatchObject({ expected: 'Fresh coffee!', pass: true, cer: 0, ned: 1, tags: [], lang: 'en' });
    expect(line.recognized?.toUpperCase()).toContain('FRESH');
    expect(line.lines.length).toBeGreaterThan(0);
  });

  it('checks a manifest: one line per item in order, unreadable items reported, exit 1', async () => {
    const manifest = join(dir, 'set', 'items.json');
    await writeFile(
      manifest,
      JSON.stringify([
        { image: 'ok.png', expected: 'FRESH COFFEE', label: 'correct' },
        { image: 'typo.png', expected: ['新年快乐'] },
        { image: 'missing.png', expected: 'X' },
        { image: 'broken.png', expected: 'X' },
      ]),
    );
    const { code, stdout, stderr } = await runCliInProcess('text-check', '--manifest', manifest, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as TextCheckLine);
    expect(lines.map((l) => l.image)).toEqual(['ok.png', 'typo.png', 'missing.png', 'broken.png']);
    expect(lines[0]).toMatchObject({ pass: true, item: { label: 'correct' } });
    expect(lines[1]).toMatchObject({ pass: false, tags: ['text.misspelled'], lang: 'zh' });
    expect(lines[2]).toMatchObject({ pass: null, error: 'file not found' });
    expect(lines[3]!.error).toMatch(/unsupported image format|Input buffer/i);
  });

  it('prints one human line per image and a summary without --json', async () => {
    const manifest = join(dir, 'set', 'two.json');
    await writeFile(manifest, JSON.stringify([{ image: 'ok.png', expected: 'FRESH COFFEE' }, { image: 'typo.png', expected: '新年快乐' }]));
    const { code, stdout } = await runCliInProcess('text-check', '--manifest', manifest);
    expect(code).toBe(0);
    const out = stdout.trim().split('\n');
    expect(out[0]).toMatch(/^PASS\s+ok\.png\s+CER 0 %/);
    expect(out[1]).toMatch(/^FAIL\s+typo\.png.*misspelled/);
    expect(out[2]).toBe('1 of 2 read images pass (50 %)');
  });

  it('refuses bad input with exit 2 and a message naming the item and field', async () => {
    const outside = join(dir, 'set', 'outside.json');
    await writeFile(outside, JSON.stringify([{ image: '../../etc/passwd', expected: 'x' }]));
    let r = await runCliInProcess('text-check', '--manifest', outside, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/item 1, field image: .*leaves the manifest's folder/);

    const badField = join(dir, 'set', 'bad.json');
    await writeFile(badField, JSON.stringify([{ image: 'ok.png', expected: 'x' }, { image: 'ok.png' }]));
    r = await runCliInProcess('text-check', '--manifest', badField);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/item 2, field expected/);

    const notJson = join(dir, 'set', 'nope.json');
    await writeFile(notJson, '{ not json');
    r = await runCliInProcess('text-check', '--manifest', notJson);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);

    r = await runCliInProcess('text-check', '--image', join(dir, 'set', 'ok.png'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--image needs --expect/);

    r = await runCliInProcess('text-check', '--image', 'a.png', '--expect', 'x', '--max-cer', 'lots');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-cer lots/);
  });
});
