/**
 * Plain constants about backends, in a module with no imports, so the CLI can print its --help without loading
 * zod or the engine (issue 9: `--help` cost 1.2 CPU-seconds). shared/model.ts re-exports them.
 */

/** `sim` means the embedded simulator of that side's kind; anything else is a base URL such as http://127.0.0.1:8000 */
export const SIM_URL = 'sim';

/** The protocol each side speaks unless told otherwise. */
export const DEFAULT_KIND = { A: 'vllm-omni', B: 'diffusers' } as const;
