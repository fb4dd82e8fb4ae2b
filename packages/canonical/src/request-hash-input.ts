import { canonicalJson, canonicalObject } from './canonical-json.js';

/** What a request hash covers: exactly these five fields of a submitted action. */
export interface HashedRequest {
  agent_id: string;
  tool: string;
  operation: string;
  params: Readonly<Record<string, unknown>>;
  context: Readonly<Record<string, unknown>>;
}

/**
 * The text whose sha256 (lowercase hex) is an action's `request_hash`: the canonical JSON of its
 * agent_id, tool, operation, params and context, nothing else. Approvals are bound to this value,
 * so the server and every SDK build it here (the Python SDK mirrors it; shared vectors pin both).
 */
export function requestHashInput(request: HashedRequest, texts?: RequestTexts): string {
  const { agent_id, tool, operation, params, context } = request;
  const fields = { agent_id, tool, operation, params, context };
  if (texts === undefined) return canonicalJson(fields);
  return canonicalObject(fields, (key) =>
    key === 'params' ? texts.params : key === 'context' ? texts.context : undefined,
  );
}

/**
 * canonicalJson of a request's params and context, when the caller already made them (the server
 * stores them too): requestHashInput then doesn't walk either again. The caller vouches for them.
 */
export interface RequestTexts {
  params: string;
  context: string;
}
