import { createHash } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';
import type { JsonObject } from '@faramesh/contract';

export interface HashedRequest {
  agent_id: string;
  tool: string;
  operation: string;
  params: JsonObject;
  context: JsonObject;
}

/** sha256 of the canonical JSON of what the agent asked for: approvals are bound to this exact value. */
export function requestHash(request: HashedRequest): string {
  const { agent_id, tool, operation, params, context } = request;
  return createHash('sha256').update(canonicalJson({ agent_id, tool, operation, params, context })).digest('hex');
}
