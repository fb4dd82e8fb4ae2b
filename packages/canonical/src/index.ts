export { canonicalJson, canonicalObject } from './canonical-json.js';
export type { HashedRequest, RequestTexts } from './request-hash-input.js';
export { requestHashInput } from './request-hash-input.js';
