import type { Action, RiskLevel, Status } from '@faramesh/contract';
import { RISK_LEVELS, STATUSES } from '@faramesh/contract';

/** What the table shows: the server-side query the URL holds. */
export interface ActionFilters {
  status?: Status | undefined;
  risk_level?: RiskLevel | undefined;
  agent_id?: string | undefined;
  tool?: string | undefined;
  q?: string | undefined;
  /** "Waiting for me": pending actions the signed-in person may decide now (the server decides). */
  awaiting?: 'me' | undefined;
}

export const PAGE_SIZES = [20, 50, 100] as const;

/** Whether a live action belongs in the current view; mirrors the server's filters and `q`. */
export function matchesFilters(action: Action, filters: ActionFilters): boolean {
  if (filters.status !== undefined && action.status !== filters.status) return false;
  if (filters.risk_level !== undefined && action.risk_level !== filters.risk_level) return false;
  if (filters.agent_id !== undefined && action.agent_id !== filters.agent_id) return false;
  if (filters.tool !== undefined && action.tool !== filters.tool) return false;
  // A live frame can't say who may decide; an answer to this person (you_may_decide) can.
  if (filters.awaiting === 'me' && (action.status !== 'pending_approval' || action.you_may_decide?.ok === false)) {
    return false;
  }
  if (filters.q !== undefined) {
    const needle = filters.q.toLowerCase();
    const haystack = [action.id, action.agent_id, action.tool, action.operation];
    if (!haystack.some((field) => field.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** Reads filters from a URL query string, dropping values the server would reject. */
export function filtersFromSearch(search: string): ActionFilters {
  const params = new URLSearchParams(search);
  const filters: ActionFilters = {};
  const status = params.get('status');
  if (status !== null && (STATUSES as readonly string[]).includes(status)) filters.status = status as Status;
  const risk = params.get('risk_level');
  if (risk !== null && (RISK_LEVELS as readonly string[]).includes(risk)) filters.risk_level = risk as RiskLevel;
  for (const key of ['agent_id', 'tool', 'q'] as const) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value.slice(0, 256);
  }
  if (params.get('awaiting') === 'me') filters.awaiting = 'me';
  return filters;
}

/** Writes filters into URLSearchParams (other keys, like `action`, are kept). */
export function writeFilters(params: URLSearchParams, filters: ActionFilters): void {
  for (const key of ['status', 'risk_level', 'agent_id', 'tool', 'q', 'awaiting'] as const) {
    const value = filters[key];
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
}
