// electron-builder configuration for `npm run dist` (release hosts only: it downloads the Electron runtime
// and the packaging toolsets from GitHub; see docs/security.md "Packaging"). CommonJS because electron-builder
// loads it with require(); electron/packaging.test.ts checks it (fuses complete, sharp unpacked, targets).
//
// OMNI_REVIEW_E2E_BUILD=1 builds the variant the Electron e2e suite drives: identical except that the
// nodeCliInspect fuse stays on, which Playwright's _electron.launch needs to attach.

/** @type {boolean} */
const e2eBuild = process.env.OMNI_REVIEW_E2E_BUILD === '1';

/**
 * Every Electron fuse, explicitly (Element Desktop's rule: a fuse left out silently keeps Electron's default).
 * @type {Required<Omit<import('electron-builder').FuseOptionsV1, 'resetAdHocDarwinSignature'>>}
 */
const electronFuses = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node binary.
  runAsNode: false,
  // Chromium's cookie store encrypted with the OS keychain (the app sets no cookies; cheap insurance).
  enableCookieEncryption: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could inject code or certificates into the main process.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect / SIGUSR1 would open a debugger port into the main process; on only in the e2e variant.
  enableNodeCliInspectArguments: e2eBuild,
  // Refuse an app.asar whose contents do not match the hash embedded at build time (macOS, Windows).
  enableEmbeddedAsarIntegrityValidation: true,
  // Load the app only from app.asar (not a loose app/ folder someone dropped beside it).
  onlyLoadAppFromAsar: true,
  // One V8 snapshot for every process, as Electron ships it.
  loadBrowserProcessSpecificV8Snapshot: false,
  // The UI is served from omni://, never file://; file:// pages get no extra privileges.
  grantFileProtocolExtraPrivileges: false,
};

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.omni-review.desktop',
  productName: 'Omni Review',
  copyright: 'Copyright © Omni Review contributors',
  directories: { buildResources: 'build', output: e2eBuild ? 'dist/e2e' : 'dist' },
  // The built app only: out/ holds main (with core bundled in), the sandboxed preload and the renderer.
  // Production dependencies from package.json are added by electron-builder itself.
  files: ['out/**', '!out/**/*.map', 'package.json'],
  asar: true,
  // sharp loads libvips through N-API native modules (@img/sharp-<platform>): native code cannot be loaded
  // from inside an asar archive, so it is unpacked. N-API needs no Electron-specific rebuild.
  // onnxruntime-node (the OCR engine, issue 11) loads libonnxruntime.so beside its .node binding, and tesseract.js
  // starts its own worker script and reads its wasm by path: both must be real files too.
  asarUnpack: [
    'node_modules/sharp/**',
    'node_modules/@img/**',
    '**/*.node',
    'node_modules/onnxruntime-node/bin/**',
    'node_modules/tesseract.js/**',
    'node_modules/tesseract.js-core/**',
  ],
  npmRebuild: false,
  electronFuses,
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Graphics',
    icon: 'build/icons',
    executableName: 'omni-review',
    maintainer: 'Omni Review contributors <omni-review@example.org>',
    synopsis: 'Review image-edit quality and speed of two serving stacks side by side',
    syncDesktopName: true,
    artifactName: '${name}-${version}-${arch}.${ext}',
  },
  deb: {
    // Electron's runtime libraries (the list Bruno and Element Desktop ship with).
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0', 'libasound2'],
  },
  appImage: {
    // electron-builder's legacy AppImage toolset writes --no-sandbox into the launcher, which would switch off
    // Chromium's OS sandbox for every process. Keep the sandbox; where a distribution blocks the unprivileged
    // user namespaces it needs, install the .deb instead (docs/security.md).
    executableArgs: [],
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.graphics-design',
    icon: 'build/icon.png',
    hardenedRuntime: true,
  },
  dmg: { artifactName: '${name}-${version}-${arch}.${ext}' },
  win: {
    target: ['nsis'],
    icon: 'build/icon.png',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    artifactName: '${name}-setup-${version}-${arch}.${ext}',
  },
};

module.exports = config;
