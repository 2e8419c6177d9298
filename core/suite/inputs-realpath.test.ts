import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInputImage } from './inputs.ts';

const COFFEE = fileURLToPath(new URL('../../fixtures/images/coffee.png', import.meta.url));

describe('suite inputs behind symlinks (issue 9: untrusted paths)', () => {
  const base = mkdtempSync(join(tmpdir(), 'omni-inputs-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(join(base, 'suite'));
  mkdirSync(join(base, 'photos'));
  copyFileSync(COFFEE, join(base, 'photos', 'coffee.png'));
  symlinkSync(join(base, 'photos'), join(base, 'suite', 'linked'));

  it('checks and records the real file, so what is sent is what was checked', async () => {
    const r = await checkInputImage('linked/coffee.png', join(base, 'suite', 'linked', 'coffee.png'));
    expect(r).toMatchObject({ ok: true, info: { path: join(base, 'photos', 'coffee.png'), format: 'png' } });
  });

  it('gives no near-miss suggestion outside the folders a caller is limited to', async () => {
    const limited = await checkInputImage('../photos/cofee.png', join(base, 'photos', 'cofee.png'), [join(base, 'suite')]);
    expect(limited).toEqual({ ok: false, problem: 'file not found: ../photos/cofee.png', hint: 'Check the path is relative to the suite file.' });
    const open = await checkInputImage('../photos/cofee.png', join(base, 'photos', 'cofee.png'));
    expect(open.ok === false && open.hint).toMatch(/Did you mean \.\.\/photos\/coffee\.png\?/);
  });
});
