import { CopyButton } from './copy-button.js';

/** First-run help: how to get an action into the table. */
export function EmptyState({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  if (filtered) {
    return (
      <div className="empty">
        <p>No actions match these filters.</p>
        <button type="button" className="button" onClick={onClear}>
          Clear filters
        </button>
      </div>
    );
  }
  const command = `curl -sS -X POST ${window.location.origin}/v1/actions \\
  -H 'Content-Type: application/json' \\
  -d '{"agent_id": "my-agent", "tool": "shell", "operation": "run", "params": {"cmd": "echo hello"}}'`;
  return (
    <div className="empty">
      <p>
        <strong>No actions yet.</strong> They appear here live as agents submit them.
      </p>
      <div className="curl-item">
        <div className="curl-head">
          <span>Submit a first action</span>
          <CopyButton text={command} label="example submit command" />
        </div>
        <pre className="code-block">{command}</pre>
      </div>
    </div>
  );
}
