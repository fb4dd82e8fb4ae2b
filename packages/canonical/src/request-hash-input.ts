import { canonicalJson } from './canonical-json.js';

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
export function requestHashInput(request: HashedRequest): string {
  const { agent_id, tool, operation, params, context } = request;
  return canonicalJson({ agent_id, tool, operation, params, context });
}
