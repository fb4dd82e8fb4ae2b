import { createHash } from 'node:crypto';
import { requestHashInput } from '@faramesh/canonical';
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
  return createHash('sha256').update(requestHashInput(request)).digest('hex');
}
