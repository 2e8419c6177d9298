/**
 * Planning: suite × run parameters → the jobs of a run. Pure: no I/O, the same inputs give the same jobs.
 */
import {
  SIDES,
  formatSize,
  jobId,
  type Dimensions,
  type GenParams,
  type Job,
  type JobRequest,
  type RunParams,
  type Suite,
  type SuiteCase,
} from '../../shared/model.ts';

/** Built-in defaults under everything else. true_cfg_scale stays unset: the server's default applies. */
const BUILTIN_PARAMS = { seed: 42, steps: 50 } as const satisfies GenParams;

/** Pixel area Qwen-Image-Edit targets when no size is given (calculate_dimensions(1024*1024, ratio)). */
const EDIT_TARGET_AREA = 1024 * 1024;
const GENERATION_SIZE = '1024x1024';

/**
 * The output size Qwen-Image-Edit picks for an input of this size when none is given: the input's aspect
 * ratio at `area` pixels, each side rounded to a multiple of 32 (diffusers `calculate_dimensions`), then
 * floored to a multiple of 16 (the pipeline's vae_scale_factor × 2; a no-op after the 32-rounding, kept so the
 * result is right for any `area`). 1920×1080 → 1376×768; square → 1024×1024. Sides never go below 16.
 */
export function editOutputSize(input: Dimensions, area: number = EDIT_TARGET_AREA): Dimensions {
  if (!(input.width > 0 && input.height > 0)) {
    throw new Error(`input size ${input.width}x${input.height} is not a positive width and height`);
  }
  const ratio = input.width / input.height;
  const rawWidth = Math.sqrt(area * ratio);
  const rawHeight = rawWidth / ratio;
  const fit = (side: number): number => Math.max(16, Math.floor((Math.round(side / 32) * 32) / 16) * 16);
  return { width: fit(rawWidth), height: fit(rawHeight) };
}

/** Layer parameter sets, later ones winning; an absent (undefined) field never overrides a present one. */
export function layerParams(...layers: readonly GenParams[]): GenParams {
  const out: GenParams = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer) as [keyof GenParams, GenParams[keyof GenParams]][]) {
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

function caseSize(suiteCase: SuiteCase, params: GenParams, inputSize: (caseId: string) => Dimensions | null): string {
  if (params.size) return params.size;
  if (suiteCase.inputs.length === 0) return GENERATION_SIZE;
  const input = inputSize(suiteCase.id);
  if (!input) {
    throw new Error(
      `case "${suiteCase.id}": cannot choose an output size because the size of its first input image is unknown; ` +
        'set params.size in the suite or pass --size',
    );
  }
  return formatSize(editOutputSize(input));
}

/**
 * One job per case × turn × repeat × side, in that order (A before B, so a pair's two jobs sit together).
 * Parameters layer built-in defaults < suite.defaults < case.params < params.overrides. Every repeat uses the
 * same seed: repeats measure timing spread, not output variety. All turns of a case use turn 1's size.
 *
 * @param inputSize dimensions of a case's first input image (null when unknown), for the default edit size
 */
export function planJobs(
  suite: Suite,
  params: RunParams,
  inputSize: (caseId: string) => Dimensions | null,
): Job[] {
  const jobs: Job[] = [];
  for (const suiteCase of suite.cases) {
    const layered = layerParams(BUILTIN_PARAMS, suite.defaults, suiteCase.params, params.overrides);
    const size = caseSize(suiteCase, layered, inputSize);
    suiteCase.turns.forEach((turn, index) => {
      const request: JobRequest = {
        prompt: turn.prompt,
        ...(turn.negativePrompt === undefined ? {} : { negativePrompt: turn.negativePrompt }),
        seed: layered.seed ?? BUILTIN_PARAMS.seed,
        steps: layered.steps ?? BUILTIN_PARAMS.steps,
        ...(layered.trueCfgScale === undefined ? {} : { trueCfgScale: layered.trueCfgScale }),
        size,
      };
      for (let repeat = 1; repeat <= params.repeats; repeat++) {
        for (const side of SIDES) {
          jobs.push({
            id: jobId(suiteCase.id, side, index + 1, repeat),
            caseId: suiteCase.id,
            side,
            turn: index + 1,
            repeat,
            status: 'pending',
            attempts: 0,
            request: { ...request },
          });
        }
      }
    });
  }
  return jobs;
}
