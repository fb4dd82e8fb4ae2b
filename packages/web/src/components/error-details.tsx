import { ApiError } from '../api/api-error.js';
import { SafeText } from './safe-text.js';

/** An API error with its code, and its details (validation paths, policy diagnostics by line:column). */
export function ErrorDetails({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  const details = error instanceof ApiError ? listDetails(error.details) : [];
  return (
    <div className="error-banner" role="alert">
      <p>
        <SafeText text={message} />
        {code !== null && <code className="error-code">{code}</code>}
      </p>
      {details.length > 0 && (
        <ul className="error-details">
          {details.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positional list from one response
            <li key={i}>
              <SafeText text={line} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function listDetails(details: unknown): string[] {
  const list = Array.isArray(details)
    ? details
    : typeof details === 'object' && details !== null
      ? (Object.values(details).find(Array.isArray) ?? [])
      : [];
  return list.slice(0, 50).map((item) => {
    if (typeof item !== 'object' || item === null) return String(item);
    const { message, path, line, column } = item as {
      message?: unknown;
      path?: unknown;
      line?: unknown;
      column?: unknown;
    };
    const where =
      typeof line === 'number'
        ? `line ${line}${typeof column === 'number' ? `:${column}` : ''}: `
        : typeof path === 'string' && path !== ''
          ? `${path}: `
          : '';
    return typeof message === 'string' ? where + message : JSON.stringify(item);
  });
}
