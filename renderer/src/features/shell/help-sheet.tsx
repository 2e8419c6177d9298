import { KEYMAP, type KeyBinding } from '../../keymap.ts';
import { Modal } from './modal.tsx';

const GROUPS: KeyBinding['group'][] = ['Navigate', 'Judge', 'View', 'General'];

/** The `?` sheet, rendered from KEYMAP so it always lists exactly what the key handler does. */
export function HelpSheet({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" testId="help-sheet" onClose={onClose} wide>
      <div className="help-grid">
        {GROUPS.map((group) => (
          <section key={group} className="help-group">
            <h3>{group}</h3>
            <dl>
              {KEYMAP.filter((b) => b.group === group).map((b) => (
                <div key={b.action} className="help-row" data-testid={`help-${b.action}`}>
                  <dt>
                    <kbd>{b.label}</kbd>
                  </dt>
                  <dd>{b.description}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="help-foot">
        Shortcuts are off while you type in a field (Esc leaves it) and with Ctrl, ⌘ or Alt held. In blind mode 1 and 2 mean
        the left and right image; the verdict is stored for the backend that was shown there.
      </p>
    </Modal>
  );
}
