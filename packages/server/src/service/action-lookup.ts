import type { ActionRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { ActionServiceDeps } from './action-service-deps.js';
import { resolveActionId } from './id-resolution.js';

/** Resolves a full id or a unique prefix to an action the principal may read. */
export async function getReadable(
  deps: ActionServiceDeps,
  idOrPrefix: string,
  principal: Principal,
): Promise<ActionRecord> {
  return resolveActionId(deps.store, idOrPrefix, (record) => readable(record, principal));
}

/** A full-UUID lookup for state changes (no prefixes: a prefix must never pick what gets approved). */
export async function getExact(deps: ActionServiceDeps, id: string, principal: Principal): Promise<ActionRecord> {
  if (!UUID.test(id)) throw new ApiError('invalid_id', `"${id}" is not an action id (a UUID)`);
  const record = await deps.store.getAction(id.toLowerCase());
  if (record === null || !readable(record, principal)) {
    throw new ApiError('action_not_found', `no action ${id}`);
  }
  return record;
}

function readable(record: ActionRecord, principal: Principal): boolean {
  if (can(principal.role, 'action:read_all')) return true;
  return can(principal.role, 'action:read_own') && record.submitted_by === principal.name;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
