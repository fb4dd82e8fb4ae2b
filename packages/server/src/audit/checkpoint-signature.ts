import { canonicalJson } from '@faramesh/canonical';
import type { LedgerCheckpoint } from '@faramesh/store';
import type { LedgerSigningKey, LedgerVerifyKey } from './ledger-key.js';

/** Domain-separated, so a checkpoint signature can't be replayed as any other signed message. */
function message(checkpoint: Pick<LedgerCheckpoint, 'seq' | 'hash' | 'at' | 'key_id'>): Buffer {
  const { seq, hash, at, key_id } = checkpoint;
  return Buffer.from(`faramesh-ledger-checkpoint/v1\n${canonicalJson({ at, hash, key_id, seq })}`);
}

/** A checkpoint of `head`, signed when a key is given. */
export function makeCheckpoint(
  head: { seq: number; hash: string },
  at: string,
  key: LedgerSigningKey | null,
): LedgerCheckpoint {
  const unsigned = { seq: head.seq, hash: head.hash, at, key_id: key?.keyId ?? null };
  return { ...unsigned, signature: key ? key.sign(message(unsigned)) : null };
}

export type SignatureVerdict = 'valid' | 'forged' | 'unsigned' | 'unverified';

/**
 * `forged` when the checkpoint names the given key but its signature doesn't verify (edited or
 * made up); `unverified` when it is signed by another key or no key is given.
 */
export function checkSignature(checkpoint: LedgerCheckpoint, key: LedgerVerifyKey | null): SignatureVerdict {
  if (checkpoint.signature === null || checkpoint.key_id === null) return 'unsigned';
  if (key === null || checkpoint.key_id !== key.keyId) return 'unverified';
  try {
    return key.verify(message(checkpoint), checkpoint.signature) ? 'valid' : 'forged';
  } catch {
    return 'forged';
  }
}
