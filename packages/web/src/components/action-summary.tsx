import { type Action, revealAsText } from '@faramesh/contract';
import { SafeText } from './safe-text.js';

/** The server's summary, or compact params from a server that predates it. */
export function summaryOf(action: Action): string {
  return action.summary ?? JSON.stringify(action.params);
}

/**
 * What the action will do, in one line (the normalized command, the URL, the amount, …), with hidden
 * characters shown as markers. Lists cut it to fit; the tooltip holds all of it, markers spelled out.
 */
export function ActionSummary({ action }: { action: Action }) {
  const text = summaryOf(action);
  if (text === '' || text === '{}') return <span className="muted">no params</span>;
  return (
    <span className="action-summary" title={revealAsText(text)} data-summary>
      <SafeText text={text} />
    </span>
  );
}
