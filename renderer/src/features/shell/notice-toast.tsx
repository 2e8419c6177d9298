import { useEffect } from 'react';
import { useApp } from '../../state/react.tsx';

/** One line of feedback at the bottom; information fades after a few seconds, errors stay until Esc. */
export function NoticeToast() {
  const notice = useApp((s) => s.notice);
  const setNotice = useApp((s) => s.setNotice);
  useEffect(() => {
    if (!notice || notice.kind === 'error') return;
    const id = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(id);
  }, [notice, setNotice]);
  if (!notice) return null;
  return (
    <div className={`toast toast-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      <span>{notice.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
        ×
      </button>
    </div>
  );
}
