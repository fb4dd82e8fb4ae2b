import type { Action } from '@faramesh/contract';

/** POSIX shell single-quoting: safe for any string, including agent-controlled ones. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface CurlCommand {
  label: string;
  command: string;
}

/**
 * Ready-to-run commands for one action. The bearer token is referenced as $FARAMESH_TOKEN rather
 * than pasted, so a copied command never leaks the session's secret into shell history or chat.
 */
export function curlCommands(action: Action, origin: string, withAuth: boolean): CurlCommand[] {
  const base = `${origin}/v1/actions/${action.id}`;
  const auth = withAuth ? ` \\\n  -H "Authorization: Bearer $FARAMESH_TOKEN"` : '';
  const get = (path: string) => `curl -sS ${shellQuote(base + path)}${auth}`;
  const commands: CurlCommand[] = [
    { label: 'Get action', command: get('') },
    { label: 'Event timeline', command: get('/events') },
    { label: 'Explain decision', command: get('/explain') },
  ];
  if (action.status === 'pending_approval' && action.approval_token) {
    for (const approve of [true, false]) {
      const body = JSON.stringify({ token: action.approval_token, approve, request_hash: action.request_hash });
      commands.push({
        label: approve ? 'Approve' : 'Deny',
        command: `curl -sS -X POST ${shellQuote(`${base}/approval`)}${auth} \\\n  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(body)}`,
      });
    }
  }
  return commands;
}
