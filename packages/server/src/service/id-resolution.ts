import type { ActionRecord, Store } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFIX = /^[0-9a-f][0-9a-f-]{3,35}$/;
const MAX_CANDIDATES = 10;

/**
 * A full UUID or a prefix of at least 4 characters, resolved against the whole table (not just recent
 * actions). Actions the caller may not read are invisible: they neither match nor make a prefix
 * ambiguous.
 */
export async function resolveActionId(
  store: Store,
  idOrPrefix: string,
  readable: (record: ActionRecord) => boolean,
): Promise<ActionRecord> {
  const id = idOrPrefix.toLowerCase();
  if (UUID.test(id)) {
    const record = await store.getAction(id);
    if (record === null || !readable(record)) throw new ApiError('action_not_found', `no action ${idOrPrefix}`);
    return record;
  }
  if (!PREFIX.test(id)) {
    throw new ApiError('invalid_id', `"${idOrPrefix}" is neither an action id nor an id prefix (4+ hex characters)`);
  }
  // Over-fetch so that unreadable rows can't hide a second readable match.
  const matches = (await store.findByIdPrefix(id, 200)).filter(readable);
  const [only] = matches;
  if (only === undefined) throw new ApiError('action_not_found', `no action id starts with ${idOrPrefix}`);
  if (matches.length === 1) return only;
  throw new ApiError('ambiguous_prefix', `${matches.length} actions start with ${idOrPrefix}; give more characters`, {
    candidates: matches.slice(0, MAX_CANDIDATES).map((r) => ({
      id: r.id,
      tool: r.tool,
      operation: r.operation,
      status: r.status,
      created_at: r.created_at,
    })),
  });
}
