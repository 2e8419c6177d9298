import { useState, type DragEvent, type FormEvent } from 'react';
import { BACKEND_KINDS, type BackendKind, type Side } from '../../../../shared/model.ts';
import { useApp } from '../../state/react.tsx';
import { FROM_FILE, buildStartRequest, initialBackend, type BackendForm, type FormState } from './start-request.ts';

export function StartRunForm() {
  const suites = useApp((s) => s.suites);
  const suiteCheck = useApp((s) => s.suiteCheck);
  const checkSuite = useApp((s) => s.checkSuite);
  const startRun = useApp((s) => s.startRun);
  const openRun = useApp((s) => s.openRun);
  const startState = useApp((s) => s.startState);
  const ocrOn = useApp((s) => s.settings.ocr !== false);
  const saveSettings = useApp((s) => s.saveSettings);
  const [form, setForm] = useState<FormState>(() => ({
    suite: suites[0]?.path ?? FROM_FILE,
    A: initialBackend('A'),
    B: initialBackend('B'),
    seed: '',
    steps: '',
    size: '',
    repeats: '1',
    timeoutS: '300',
    retries: '2',
  }));
  const [errors, setErrors] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);

  const update = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const updateBackend = (side: Side, patch: Partial<BackendForm>) => setForm((f) => ({ ...f, [side]: { ...f[side], ...patch } }));

  async function loadFile(file: File) {
    if (file.size > 2_000_000) {
      setErrors([`${file.name}: ${Math.round(file.size / 1024)} KB is more than a suite file should be (2 MB at most)`]);
      return;
    }
    update({ suite: FROM_FILE });
    setErrors([]);
    await checkSuite(await file.text(), file.name);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void loadFile(file);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const file = suiteCheck.status === 'ok' && suiteCheck.text && suiteCheck.fileName ? { text: suiteCheck.text, fileName: suiteCheck.fileName } : null;
    const built = buildStartRequest(form, file);
    setErrors(built.errors);
    if (!built.request) return;
    const run = await startRun(built.request);
    if (run) void openRun(run.id);
  }

  const selectedSuite = suites.find((s) => s.path === form.suite) ?? null;

  return (
    <form className="panel start-run" data-testid="start-run" onSubmit={submit} aria-labelledby="start-heading">
      <header className="panel-head">
        <h2 id="start-heading">Start a run</h2>
      </header>

      <fieldset className="group">
        <legend>Suite</legend>
        <label className="field">
          <span>Suite</span>
          <select data-testid="suite-select" value={form.suite} onChange={(e) => update({ suite: e.target.value })}>
            {suites.map((s) => (
              <option key={s.path} value={s.path}>
                {s.name} — {s.cases} cases ({s.path})
              </option>
            ))}
            <option value={FROM_FILE}>From a YAML file…</option>
          </select>
        </label>
        {selectedSuite && form.suite !== FROM_FILE && (
          <div className="muted suite-meta">
            {selectedSuite.description && <p>{selectedSuite.description}</p>}
            <p className="mono">
              {Object.entries(selectedSuite.categories)
                .map(([c, n]) => `${c} ${n}`)
                .join(' · ')}
            </p>
          </div>
        )}
        <div
          className={`drop-zone${dragging ? ' dragging' : ''}`}
          data-testid="suite-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <span>Drop a suite YAML here, or</span>
          <label className="file-button">
            choose a file
            <input
              type="file"
              accept=".yaml,.yml,application/yaml,text/yaml"
              data-testid="suite-file"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void loadFile(file);
                e.target.value = '';
              }}
            />
          </label>
        </div>
        {suiteCheck.status !== 'idle' && form.suite === FROM_FILE && (
          <p className={suiteCheck.status === 'error' ? 'field-error' : 'muted'} data-testid="suite-check" role={suiteCheck.status === 'error' ? 'alert' : undefined}>
            {suiteCheck.status === 'checking' && `Checking ${suiteCheck.fileName}…`}
            {suiteCheck.status === 'ok' && suiteCheck.suite && `✓ ${suiteCheck.fileName}: suite "${suiteCheck.suite.name}", ${suiteCheck.suite.cases} cases`}
            {suiteCheck.status === 'error' && suiteCheck.error}
          </p>
        )}
      </fieldset>

      <div className="backend-pair">
        {(['A', 'B'] as const).map((side) => (
          <BackendFields key={side} side={side} value={form[side]} onChange={(patch) => updateBackend(side, patch)} />
        ))}
      </div>

      <fieldset className="group params">
        <legend>Parameters</legend>
        <label className="field">
          <span>Seed</span>
          <input data-testid="param-seed" inputMode="numeric" value={form.seed} onChange={(e) => update({ seed: e.target.value })} placeholder="suite" />
        </label>
        <label className="field">
          <span>Steps</span>
          <input data-testid="param-steps" inputMode="numeric" value={form.steps} onChange={(e) => update({ steps: e.target.value })} placeholder="suite" />
        </label>
        <label className="field">
          <span>Size</span>
          <input data-testid="param-size" value={form.size} onChange={(e) => update({ size: e.target.value })} placeholder="suite, e.g. 1024x1024" spellCheck={false} />
        </label>
        <label className="field">
          <span>Repeats</span>
          <input data-testid="param-repeats" inputMode="numeric" value={form.repeats} onChange={(e) => update({ repeats: e.target.value })} />
        </label>
        <label className="field">
          <span>Timeout (s)</span>
          <input data-testid="param-timeout" inputMode="decimal" value={form.timeoutS} onChange={(e) => update({ timeoutS: e.target.value })} />
        </label>
        <label className="field">
          <span>Retries</span>
          <input data-testid="param-retries" inputMode="numeric" value={form.retries} onChange={(e) => update({ retries: e.target.value })} />
        </label>
      </fieldset>

      {(errors.length > 0 || startState.status === 'error') && (
        <ul className="form-errors" role="alert" data-testid="start-error">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
          {startState.status === 'error' && <li>{startState.message}</li>}
        </ul>
      )}
      <div className="form-actions">
        <label className="checkbox" title="Outputs whose case has expected text (expected_text or the prompt's quoted spans) are read by OCR for A and B during the run, off the main thread. A workspace setting, like omni-review run --ocr on|off.">
          <input type="checkbox" data-testid="setting-ocr" checked={ocrOn} onChange={(e) => void saveSettings({ ocr: e.target.checked })} /> Read rendered text (OCR)
        </label>
        <button type="submit" className="primary" data-testid="start-run-submit" disabled={startState.status === 'working'}>
          {startState.status === 'working' ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}

function BackendFields({ side, value, onChange }: { side: Side; value: BackendForm; onChange: (patch: Partial<BackendForm>) => void }) {
  return (
    <fieldset className="group backend" data-testid={`backend-${side}`}>
      <legend>
        <b className={side === 'A' ? 'side-a' : 'side-b'}>{side}</b> {side === 'A' ? 'split pipeline' : 'baseline'}
      </legend>
      <div className="segmented" role="radiogroup" aria-label={`${side} target`}>
        <label className={value.mode === 'sim' ? 'on' : ''}>
          <input type="radio" name={`mode-${side}`} data-testid={`backend-${side}-sim`} checked={value.mode === 'sim'} onChange={() => onChange({ mode: 'sim' })} />
          Simulator
        </label>
        <label className={value.mode === 'url' ? 'on' : ''}>
          <input type="radio" name={`mode-${side}`} data-testid={`backend-${side}-url-mode`} checked={value.mode === 'url'} onChange={() => onChange({ mode: 'url' })} />
          Server URL
        </label>
      </div>
      {value.mode === 'url' && (
        <label className="field">
          <span>Base URL</span>
          <input data-testid={`backend-${side}-url`} value={value.url} spellCheck={false} onChange={(e) => onChange({ url: e.target.value })} />
        </label>
      )}
      <label className="field">
        <span>Protocol</span>
        <select data-testid={`backend-${side}-kind`} value={value.kind} onChange={(e) => onChange({ kind: e.target.value as BackendKind })}>
          {BACKEND_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <div className="field-row">
        <label className="field narrow">
          <span>Parallel</span>
          <input
            data-testid={`backend-${side}-concurrency`}
            inputMode="numeric"
            title="Concurrent requests to this backend"
            value={value.concurrency}
            onChange={(e) => onChange({ concurrency: e.target.value })}
          />
        </label>
        {value.mode === 'sim' && (
          <label className="field">
            <span>Faults</span>
            <input
              data-testid={`backend-${side}-faults`}
              value={value.faults}
              spellCheck={false}
              placeholder="e.g. typo=0.3,5xx=0.1"
              title="Simulator fault profile, e.g. typo=0.3,5xx=0.1,timeout=0.05"
              onChange={(e) => onChange({ faults: e.target.value })}
            />
          </label>
        )}
      </div>
    </fieldset>
  );
}
