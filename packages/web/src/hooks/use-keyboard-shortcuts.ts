import { useEffect, useRef } from 'react';

/** True when a key press belongs to a text field, so single-letter shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
}

/**
 * Single-key shortcuts (no modifiers), ignored while typing. Keys are `KeyboardEvent.key` values,
 * named keys in lower case. The handlers map is read at key time,
 * so callers may pass a fresh object every render.
 */
export function useKeyboardShortcuts(handlers: Record<string, () => void>, enabled = true): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      // Named keys are matched in lower case ("arrowdown", "enter"); letters keep their case so
      // Shift+A is not `a`.
      const handler = latest.current[event.key.length > 1 ? event.key.toLowerCase() : event.key];
      if (handler === undefined) return;
      event.preventDefault();
      handler();
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
