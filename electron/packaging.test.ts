/**
 * Checks of the packaging config and icons that need no network (electron-builder itself cannot run here: it
 * downloads the Electron runtime and its toolsets). The config is validated against electron-builder's own
 * schema, so a misspelt option fails here instead of on the release host.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const CONFIG_PATH = fileURLToPath(new URL('../electron-builder.config.cjs', import.meta.url));
// Resolve electron-builder's internals from its own location, not from wherever npm hoisted them.
const builderRequire = createRequire(require.resolve('electron-builder'));
const libRequire = createRequire(builderRequire.resolve('app-builder-lib'));

type Config = Record<string, unknown> & { electronFuses: Record<string, boolean> };

function loadConfig(env: Record<string, string | undefined> = {}): Config {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    delete require.cache[CONFIG_PATH];
    return require(CONFIG_PATH) as Config;
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    delete require.cache[CONFIG_PATH];
  }
}

afterEach(() => {
  delete require.cache[CONFIG_PATH];
});

describe('electron-builder.config.cjs', () => {
  it('passes electron-builder schema validation (release and e2e variants)', async () => {
    const { validateConfiguration } = libRequire('./util/config/config.js') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = libRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(loadConfig()), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration(structuredClone(loadConfig({ OMNI_REVIEW_E2E_BUILD: '1' })), new DebugLogger(false))).resolves.toBeUndefined();
    // The validator is not a no-op: an unknown option is an error.
    const broken = { ...structuredClone(loadConfig()), linux: { target: ['deb'], noSuchOption: true } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });

  it('sets every Electron fuse explicitly, locked down', () => {
    const { FuseV1Options } = libRequire('@electron/fuses') as { FuseV1Options: Record<string, string | number> };
    const fuseNames = Object.keys(FuseV1Options)
      .filter((k) => Number.isNaN(Number(k)))
      .map((k) => k[0]!.toLowerCase() + k.slice(1));
    expect(fuseNames).toHaveLength(8);
    const fuses = loadConfig().electronFuses;
    expect(Object.keys(fuses).sort()).toEqual([...fuseNames].sort());
    expect(fuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('differs in the e2e variant only by the inspect fuse and the output folder', () => {
    const release = loadConfig();
    const e2e = loadConfig({ OMNI_REVIEW_E2E_BUILD: '1' });
    expect(e2e.electronFuses).toEqual({ ...release.electronFuses, enableNodeCliInspectArguments: true });
    expect({ ...e2e, electronFuses: null, directories: null }).toEqual({ ...release, electronFuses: null, directories: null });
    expect(e2e.directories).toEqual({ buildResources: 'build', output: 'dist/e2e' });
  });

  it('packages the built app in an asar, unpacks sharp, never rebuilds natives, keeps the sandbox', () => {
    const config = loadConfig() as Config & Record<string, Record<string, unknown>>;
    expect(config.productName).toBe('Omni Review');
    expect(config.directories).toEqual({ buildResources: 'build', output: 'dist' });
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/sharp/**', 'node_modules/@img/**']));
    expect(config.npmRebuild).toBe(false);
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], icon: 'build/icons' });
    expect(String(config.linux!.maintainer)).toMatch(/<.+@.+>/);
    expect((config.deb!.depends as string[]).length).toBeGreaterThan(5);
    expect(config.appImage!.executableArgs).toEqual([]);
    expect(config.mac!.target).toEqual(['dmg']);
    expect(config.win!.target).toEqual(['nsis']);
  });
});

describe('icons', () => {
  it.each([16, 24, 32, 48, 64, 128, 256, 512, 1024])('build/icons/NxN.png exists for N = %i', async (size) => {
    const meta = await sharp(fileURLToPath(new URL(`../build/icons/${size}x${size}.png`, import.meta.url))).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', size, size]);
  });

  it('build/icon.png is 1024 px with transparent corners', async () => {
    const image = sharp(fileURLToPath(new URL('../build/icon.png', import.meta.url)));
    const meta = await image.metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([1024, 1024, true]);
    const { data } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0);
    // The middle of the icon (where the panes overlap) is opaque.
    expect(data[(512 * 1024 + 512) * 4 + 3]).toBe(255);
  });
});
