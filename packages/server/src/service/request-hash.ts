import { hash } from 'node:crypto';
import { canonicalJson, canonicalObject, requestHashInput } from '@faramesh/canonical';
import type { JsonObject } from '@faramesh/contract';
import type { CanonicalRequestTexts } from '@faramesh/store';

export interface HashedRequest {
  agent_id: string;
  tool: string;
  operation: string;
  params: JsonObject;
  context: JsonObject;
}

/** sha256 of the canonical JSON of what the agent asked for: approvals are bound to this exact value. */
export function requestHash(request: HashedRequest, texts?: CanonicalRequestTexts): string {
  // The same text as requestHashInput, with params and context not walked again when at hand.
  const input =
    texts === undefined
      ? requestHashInput(request)
      : canonicalObject(hashedFields(request), (key) =>
          key === 'params' ? texts.params : key === 'context' ? texts.context : undefined,
        );
  // One-shot hash: no Hash object per call (about half the time of createHash().update().digest()).
  return hash('sha256', input, 'hex');
}

/** The canonical texts of a request's params and context, made once for its hash and its row. */
export function canonicalTexts(request: HashedRequest): CanonicalRequestTexts {
  return { params: canonicalJson(request.params), context: canonicalJson(request.context) };
}

/** Exactly the fields requestHashInput covers (a normalized request may carry others). */
function hashedFields(request: HashedRequest): Record<string, unknown> {
  const { agent_id, tool, operation, params, context } = request;
  return { agent_id, tool, operation, params, context };
}
