import { type Action, countInvisible } from '@faramesh/contract';
import { TriangleAlert } from 'lucide-react';

/** Counts hidden characters anywhere in what the agent sent. */
export function hiddenCharCount(action: Action): number {
  const text = [
    action.agent_id,
    action.tool,
    action.operation,
    JSON.stringify(action.params),
    JSON.stringify(action.context),
  ].join('\n');
  // JSON.stringify escapes C0 controls; count them through their escapes too.
  const escapedControls = (text.match(/\\u00[01][0-9a-f]|\\u007f/gi) ?? []).length;
  return countInvisible(text.replaceAll('\n', ' ')) + escapedControls;
}

/** A loud banner when an action carries invisible or bidirectional characters: a common trick to hide intent. */
export function HiddenCharsWarning({ action }: { action: Action }) {
  const count = hiddenCharCount(action);
  if (count === 0) return null;
  return (
    <div className="warning-banner" role="alert">
      <TriangleAlert size={18} aria-hidden />
      <p>
        This action contains {count} hidden or control character{count === 1 ? '' : 's'} (shown as{' '}
        <span className="hidden-char">⟨U+…⟩</span>). Read the parameters carefully before approving.
      </p>
    </div>
  );
}
