import { useState, type FormEvent } from 'react';
import { useApp } from '../../state/react.tsx';
import { Modal } from './modal.tsx';

/** First-run prompt (and "change reviewer"): the engine stores this name with every verdict. */
export function ReviewerPrompt() {
  const settings = useApp((s) => s.settings);
  const saveSettings = useApp((s) => s.saveSettings);
  const setOverlay = useApp((s) => s.setOverlay);
  const [name, setName] = useState(settings.reviewer);
  const [blindDefault, setBlindDefault] = useState(settings.blindByDefault);
  const [error, setError] = useState<string | null>(null);
  const firstRun = settings.reviewer.trim() === '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setError('Type a name or handle (e.g. your username); it is stored with each verdict.');
      return;
    }
    if (trimmed.length > 80) {
      setError('At most 80 characters.');
      return;
    }
    const ok = await saveSettings({ reviewer: trimmed, blindByDefault: blindDefault });
    if (ok) setOverlay(null);
  }

  return (
    <Modal title={firstRun ? 'Who is reviewing?' : 'Reviewer'} testId="reviewer-prompt" onClose={firstRun ? null : () => setOverlay(null)}>
      <form className="form-stack" onSubmit={submit}>
        <p className="muted">Verdicts carry the reviewer's name so agreement between reviewers can be measured.</p>
        <label className="field">
          <span>Reviewer name</span>
          <input data-testid="reviewer-input" value={name} maxLength={80} autoComplete="username" onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" data-testid="blind-default" checked={blindDefault} onChange={(e) => setBlindDefault(e.target.checked)} />
          <span>Start in blind mode (backend names hidden, sides swapped per chain at random)</span>
        </label>
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="reviewer-save">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
