import { hash } from 'node:crypto';
import { canonicalJson, type RequestTexts, requestHashInput } from '@faramesh/canonical';
import type { JsonObject } from '@faramesh/contract';

export interface HashedRequest {
  agent_id: string;
  tool: string;
  operation: string;
  params: JsonObject;
  context: JsonObject;
}

/** sha256 of the canonical JSON of what the agent asked for: approvals are bound to this exact value. */
export function requestHash(request: HashedRequest, texts?: RequestTexts): string {
  // One-shot hash: no Hash object per call (about half the time of createHash().update().digest()).
  return hash('sha256', requestHashInput(request, texts), 'hex');
}

/** The canonical texts of a request's params and context, made once for its hash and its row. */
export function canonicalTexts(request: HashedRequest): RequestTexts {
  return { params: canonicalJson(request.params), context: canonicalJson(request.context) };
}
