/**
 * The start-run form's data and its translation into a `runs:start` request, kept apart from the component
 * so the checks (what the reviewer must fix, in the form's own words) are unit-tested.
 */
import { StartRunRequestSchema, type StartRunRequest } from '../../../../shared/contract.ts';
import { DEFAULT_KIND, type BackendKind, type Side } from '../../../../shared/model.ts';

/** The suite select's value for "a YAML file the user dropped or chose". */
export const FROM_FILE = '__file__';

export interface BackendForm {
  mode: 'sim' | 'url';
  url: string;
  kind: BackendKind;
  faults: string;
  concurrency: string;
}

export interface FormState {
  suite: string;
  A: BackendForm;
  B: BackendForm;
  seed: string;
  steps: string;
  size: string;
  repeats: string;
  timeoutS: string;
  retries: string;
}

const FIELD_NAMES: Record<string, string> = {
  'params.seed': 'Seed',
  'params.steps': 'Steps',
  'params.size': 'Size',
  'params.repeats': 'Repeats',
  'params.timeoutMs': 'Timeout',
  'params.retries': 'Retries',
  'A.concurrency': 'A concurrency',
  'B.concurrency': 'B concurrency',
  'A.faults': 'A faults',
  'B.faults': 'B faults',
};

export function initialBackend(side: Side): BackendForm {
  return { mode: 'sim', url: side === 'A' ? 'http://127.0.0.1:8091' : 'http://127.0.0.1:8092', kind: DEFAULT_KIND[side], faults: '', concurrency: '2' };
}

/** Optional integer field: blank → undefined; anything else must be a whole number. */
function intField(value: string, label: string, errors: string[]): number | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (!/^\d+$/.test(v)) {
    errors.push(`${label}: "${v}" is not a whole number`);
    return undefined;
  }
  return Number(v);
}

/** Turn the form into a request, or say what to fix (field by field, in the form's words). */
export function buildStartRequest(
  form: FormState,
  file: { text: string; fileName: string } | null,
): { request: StartRunRequest; errors: [] } | { request: null; errors: string[] } {
  const errors: string[] = [];
  let suite: StartRunRequest['suite'] | null = null;
  if (form.suite === FROM_FILE) {
    if (file) suite = { source: 'text', text: file.text, fileName: file.fileName };
    else errors.push('Suite: choose or drop a YAML file that passes the check');
  } else if (form.suite !== '') suite = { source: 'path', path: form.suite };
  else errors.push('Suite: pick one');
  const backend = (side: Side) => {
    const b = form[side];
    if (b.mode === 'url' && !/^https?:\/\/[^\s/]+/.test(b.url.trim())) {
      errors.push(`${side}: the URL must start with http:// or https://, e.g. http://127.0.0.1:${side === 'A' ? 8091 : 8092}`);
    }
    return {
      target: b.mode === 'sim' ? 'sim' : b.url.trim(),
      kind: b.kind,
      faults: b.mode === 'sim' ? b.faults.trim() : '',
      concurrency: intField(b.concurrency, `${side} concurrency`, errors) ?? 2,
    };
  };
  const A = backend('A');
  const B = backend('B');
  const timeoutS = form.timeoutS.trim();
  let timeoutMs: number | undefined;
  if (timeoutS !== '') {
    const n = Number(timeoutS);
    if (!Number.isFinite(n)) errors.push(`Timeout: "${timeoutS}" is not a number of seconds`);
    else timeoutMs = Math.round(n * 1000);
  }
  const params = {
    seed: intField(form.seed, 'Seed', errors),
    steps: intField(form.steps, 'Steps', errors),
    size: form.size.trim() === '' ? undefined : form.size.trim(),
    repeats: intField(form.repeats, 'Repeats', errors),
    timeoutMs,
    retries: intField(form.retries, 'Retries', errors),
  };
  if (errors.length > 0 || suite === null) return { request: null, errors };
  const request: StartRunRequest = { suite, A, B, params };
  const checked = StartRunRequestSchema.safeParse(request);
  if (!checked.success) {
    return {
      request: null,
      errors: checked.error.issues.map((i) => {
        const path = i.path.map(String).join('.');
        const name = FIELD_NAMES[path] ?? path;
        const message = path === 'params.timeoutMs' ? 'between 1 and 3600 seconds' : i.message;
        return `${name}: ${message}`;
      }),
    };
  }
  return { request, errors: [] };
}
