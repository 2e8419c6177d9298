import { describe, expect, it } from 'vitest';
import { FROM_FILE, buildStartRequest, initialBackend, type FormState } from './start-request.ts';

function form(patch: Partial<FormState> = {}): FormState {
  return {
    suite: 'fixtures/suites/demo.yaml',
    A: initialBackend('A'),
    B: initialBackend('B'),
    seed: '42',
    steps: '',
    size: '',
    repeats: '1',
    timeoutS: '300',
    retries: '2',
    ...patch,
  };
}

describe('buildStartRequest', () => {
  it('builds a simulator run from the defaults', () => {
    const { request, errors } = buildStartRequest(form(), null);
    expect(errors).toEqual([]);
    expect(request).toEqual({
      suite: { source: 'path', path: 'fixtures/suites/demo.yaml' },
      A: { target: 'sim', kind: 'vllm-omni', faults: '', concurrency: 2 },
      B: { target: 'sim', kind: 'diffusers', faults: '', concurrency: 2 },
      params: { seed: 42, steps: undefined, size: undefined, repeats: 1, timeoutMs: 300_000, retries: 2 },
    });
  });

  it('sends a dropped file as text and real servers by URL (faults only for simulators)', () => {
    const { request } = buildStartRequest(
      form({ suite: FROM_FILE, A: { ...initialBackend('A'), mode: 'url', url: ' http://gpu-a:8091 ', faults: 'typo=1' }, B: { ...initialBackend('B'), faults: '5xx=0.1' }, size: '768x512', steps: '20' }),
      { text: 'name: x', fileName: 'x.yaml' },
    );
    expect(request?.suite).toEqual({ source: 'text', text: 'name: x', fileName: 'x.yaml' });
    expect(request?.A).toMatchObject({ target: 'http://gpu-a:8091', faults: '' });
    expect(request?.B).toMatchObject({ target: 'sim', faults: '5xx=0.1' });
    expect(request?.params).toMatchObject({ size: '768x512', steps: 20 });
  });

  it('explains every problem in the form\'s words', () => {
    const { request, errors } = buildStartRequest(
      form({ suite: FROM_FILE, A: { ...initialBackend('A'), mode: 'url', url: 'gpu-a:8091' }, seed: '4.5', size: '1024', timeoutS: 'soon' }),
      null,
    );
    expect(request).toBeNull();
    expect(errors).toEqual([
      'Suite: choose or drop a YAML file that passes the check',
      'A: the URL must start with http:// or https://, e.g. http://127.0.0.1:8091',
      'Timeout: "soon" is not a number of seconds',
      'Seed: "4.5" is not a whole number',
    ]);
  });

  it('maps schema limits to field names', () => {
    const { errors } = buildStartRequest(form({ steps: '500', size: '1024', timeoutS: '0.5', B: { ...initialBackend('B'), concurrency: '100' } }), null);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Steps: /),
        'Size: must look like 1024x1024 (width x height in pixels)',
        'Timeout: between 1 and 3600 seconds',
        expect.stringMatching(/^B concurrency: /),
      ]),
    );
  });
});
