import type { PairView } from '../../../../shared/contract.ts';
import { useApp } from '../../state/react.tsx';
import { draftFor } from '../../state/selectors.ts';

/** `n`: a note saved with the next verdict. Enter closes (Shift+Enter for a new line), Esc closes too. */
export function NoteEditor({ pair }: { pair: PairView }) {
  const drafts = useApp((s) => s.drafts);
  const settings = useApp((s) => s.settings);
  const setNote = useApp((s) => s.setNote);
  const setOverlay = useApp((s) => s.setOverlay);
  const note = draftFor({ drafts, settings }, pair).note;
  return (
    <div className="note-editor" data-testid="note-editor">
      <textarea
        autoFocus
        data-testid="note-input"
        aria-label="Note"
        rows={3}
        maxLength={4000}
        value={note}
        placeholder="What is wrong or right here? (Enter closes, Shift+Enter new line)"
        onChange={(e) => setNote(e.target.value)}
        onKeyDown={(e) => {
          if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Escape') {
            e.preventDefault();
            setOverlay(null);
          }
        }}
      />
    </div>
  );
}
