import type { Action } from '@faramesh/contract';
import { curlCommands } from '../actions/curl-commands.js';
import { CopyButton } from './copy-button.js';

/** Ready-made curl commands for this action (the token is referenced as $FARAMESH_TOKEN, never pasted). */
export function CurlPanel({ action, withAuth }: { action: Action; withAuth: boolean }) {
  const commands = curlCommands(action, window.location.origin, withAuth);
  return (
    <div className="curl-panel">
      {withAuth && (
        <p className="muted">
          Set <code>FARAMESH_TOKEN</code> in your shell first.
        </p>
      )}
      {commands.map(({ label, command }) => (
        <div key={label} className="curl-item">
          <div className="curl-head">
            <span>{label}</span>
            <CopyButton text={command} label={`${label} curl command`} />
          </div>
          <pre className="code-block">{command}</pre>
        </div>
      ))}
    </div>
  );
}
