export { canonicalJson, canonicalObject } from './canonical-json.js';
export type { HashedRequest } from './request-hash-input.js';
export { requestHashInput } from './request-hash-input.js';
