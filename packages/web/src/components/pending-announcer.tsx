import { codePointLabel, revealInvisible } from '@faramesh/contract';
import { useCallback, useRef, useState } from 'react';
import { type ActionUpdate, useActionUpdates } from '../live/live-context.js';

/** Flattens agent text for a screen reader, with hidden characters spelled out. */
function speakable(text: string): string {
  return revealInvisible(text)
    .map((piece) => (piece.kind === 'text' ? piece.text : ` hidden character ${codePointLabel(piece.codePoint)} `))
    .join('')
    .slice(0, 120);
}

/** Tells screen-reader users when a new action starts waiting for approval. */
export function PendingAnnouncer() {
  const [message, setMessage] = useState('');
  const announced = useRef(new Set<string>());
  useActionUpdates(
    useCallback(({ action, event }: ActionUpdate) => {
      if (event === null || action.status !== 'pending_approval' || announced.current.has(action.id)) return;
      announced.current.add(action.id);
      setMessage(
        `New action waiting for approval: ${speakable(action.tool)} ${speakable(action.operation)} from ${speakable(action.agent_id)}, ${action.risk_level} risk.`,
      );
    }, []),
  );
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="pending-announcer">
      {message}
    </div>
  );
}
