/**
 * The simulators: loopback HTTP servers speaking vLLM-Omni's API (A, current or 0.12-era legacy) and the diffusers
 * baseline's (B), with deterministic outputs that really apply the edit, a timing model shaped like real numbers,
 * and fault profiles.
 */
export { startSimServer, DEFAULT_SIM_MODEL, DEFAULT_TIME_SCALE } from './server.ts';
export { parseFaultSpec, describeFaults, formatFaultSpec, FAULT_DESCRIPTIONS, applyTypo, applyTextFault, TEXT_FAULT_KINDS, type TextFaultKind } from './faults.ts';
export { STYLE_KEYWORDS, STYLE_IDS, type StyleId, detectStyles, detectTextPosition } from './prompt-words.ts';
export { renderImage, variantFor, wrongSize, type RenderJob, type OutputFormat } from './render.ts';
export { planTextLayout, type TextLayout, type Box } from './text-render.ts';
export { FONT_DIR, setFontDirectory } from './fonts.ts';
export { slowBodyMs } from './serve-image.ts';
export {
  FAULT_NAMES,
  type FaultName,
  type FaultProfile,
  type SimEvent,
  type SimOptions,
  type SimServer,
  type SimStats,
} from './types.ts';
