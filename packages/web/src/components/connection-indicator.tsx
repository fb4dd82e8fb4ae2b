import { useNow } from '../hooks/use-now.js';
import { useLive } from '../live/live-context.js';

/** Shows whether the live stream is up, so nobody trusts a table that silently stopped updating. */
export function ConnectionIndicator() {
  const { connection, reconnectNow } = useLive();
  const now = useNow(1_000);
  let label: string;
  let detail: string;
  switch (connection.status) {
    case 'live':
      label = 'Live';
      detail = 'Receiving updates as they happen.';
      break;
    case 'connecting':
      label = 'Connecting…';
      detail = 'Opening the live update stream.';
      break;
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
      label = seconds > 0 ? `Reconnecting in ${seconds}s` : 'Reconnecting…';
      detail = `Live updates paused (${connection.error}). Missed changes are replayed on reconnect.`;
      break;
    }
    case 'offline':
      label = 'Offline';
      detail = 'The browser is offline. Updates resume when the network returns.';
      break;
    case 'unauthorized':
      label = 'Signed out';
      detail = 'The server no longer accepts this token.';
      break;
  }
  const retry = connection.status === 'reconnecting' || connection.status === 'offline';
  return (
    <div className={`connection connection-${connection.status}`} title={detail} data-testid="connection">
      <span className="connection-dot" aria-hidden />
      {/* The visible label ticks every second; screen readers get only the state changes. */}
      <span className="connection-label" aria-hidden>
        {label}
      </span>
      <span className="visually-hidden" role="status">
        {`Live updates: ${connection.status === 'reconnecting' ? 'reconnecting' : label}. ${detail}`}
      </span>
      {retry && (
        <button type="button" className="link-button" onClick={reconnectNow}>
          Retry now
        </button>
      )}
    </div>
  );
}
