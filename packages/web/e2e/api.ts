import type { Action, ActionEvent } from '@faramesh/contract';

/** Direct API calls from the test process, the way an agent or a script would make them. */
export function apiClient(baseUrl: string, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    ...extra,
  });
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(baseUrl + path, {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
  return {
    submit: (action: { agent_id: string; tool: string; operation: string; params?: unknown; context?: unknown }) =>
      call<Action>('POST', '/v1/actions', action),
    get: (id: string) => call<Action>('GET', `/v1/actions/${id}`),
    events: (id: string) => call<ActionEvent[]>('GET', `/v1/actions/${id}/events`),
  };
}
