import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh single-use approval token: 256 random bits, URL-safe. */
export function newApprovalToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison: both sides are hashed to equal length before timingSafeEqual. */
export function approvalTokenMatches(expected: string | null, presented: string): boolean {
  const a = createHash('sha256')
    .update(expected ?? '')
    .digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b) && expected !== null && expected !== '';
}
