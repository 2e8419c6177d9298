/**
 * The page's bridge environment. The one place outside tests that reads `window.reviewApi` (the object the
 * Electron preload installs): eslint forbids the name anywhere else in renderer/, so the UI can only reach the
 * shell through the ReviewApi that pickBridge() builds from this.
 */
import type { BridgeEnvironment } from './index.ts';

export function windowBridgeEnvironment(): BridgeEnvironment {
  return { reviewApi: window.reviewApi, location: window.location };
}
