import { X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { useFocusTrap } from '../hooks/use-focus-trap.js';

const SHORTCUTS: Array<[string, string]> = [
  ['n', 'Open the next action waiting for approval'],
  ['j / ↓', 'Next action in the list'],
  ['k / ↑', 'Previous action in the list'],
  ['Enter', 'Open the selected action'],
  ['a', 'Approve the open action'],
  ['d', 'Deny the open action'],
  ['Esc', 'Close the drawer or this help (in the reason field: leave the field)'],
  ['/', 'Search'],
  ['p', 'Show only pending actions (again: show all)'],
  ['?', 'Show this help'],
];

/** The keyboard reference for the approver's loop. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useFocusTrap(dialog, true);
  useEffect(() => {
    close.current?.focus();
    // Capture phase: while help is open, no other shortcut (like `a` in the drawer behind) may fire.
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === 'Tab' || event.key === 'Enter' || event.key === ' ') return;
      event.stopImmediatePropagation();
      if (event.key === 'Escape' || event.key === '?') {
        event.preventDefault();
        onClose();
      }
    }
    document.addEventListener('keydown', onKeyDown, true);
    return () => document.removeEventListener('keydown', onKeyDown, true);
  }, [onClose]);
  return (
    <div className="modal-layer">
      <div className="drawer-backdrop" onClick={onClose} aria-hidden />
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="help-title" ref={dialog}>
        <div className="modal-header">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button
            type="button"
            className="icon-button"
            onClick={onClose}
            aria-label="Close keyboard shortcuts"
            ref={close}
          >
            <X size={20} aria-hidden />
          </button>
        </div>
        <dl className="shortcut-list">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                {keys.split(' / ').map((key, i) => (
                  <span key={key}>
                    {i > 0 && ' or '}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
