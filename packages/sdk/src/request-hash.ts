import { type HashedRequest, requestHashInput } from '@faramesh/canonical';

export type { HashedRequest };

/**
 * The `request_hash` the server computes for this request (sha256, lowercase hex, of its canonical
 * JSON): compare it with `action.request_hash` to check that the server recorded, and approvers
 * were shown, exactly what you sent. Omitted `params`/`context` count as `{}`, as on the server.
 * Uses Web Crypto, so it runs wherever the client does.
 */
export async function requestHash(
  request: Omit<HashedRequest, 'params' | 'context'> & Partial<Pick<HashedRequest, 'params' | 'context'>>,
): Promise<string> {
  const text = requestHashInput({ ...request, params: request.params ?? {}, context: request.context ?? {} });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
