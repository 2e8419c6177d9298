import { useEffect, useRef, type ReactNode } from 'react';
import './shell.css';

interface ModalProps {
  title: string;
  testId: string;
  onClose: (() => void) | null;
  children: ReactNode;
  wide?: boolean;
}

/** A dialog over the page. Escape is handled by the global key handler (store.handleAction). */
export function Modal({ title, testId, onClose, children, wide }: ModalProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus the first field (or the dialog) so keys land inside, and give focus back on close.
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, textarea, select, button');
    (first ?? ref.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose?.()}>
      <div ref={ref} className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId} tabIndex={-1}>
        <header className="modal-head">
          <h2>{title}</h2>
          {onClose && (
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              Esc
            </button>
          )}
        </header>
        {children}
      </div>
    </div>
  );
}
