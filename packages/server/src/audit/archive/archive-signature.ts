import { canonicalJson } from '@faramesh/canonical';
import type { ArchiveRecord } from '@faramesh/store';
import type { SignatureVerdict } from '../checkpoint-signature.js';
import type { LedgerSigningKey, LedgerVerifyKey } from '../ledger-key.js';

/** Domains of the two signed statements archiving makes, so neither can be replayed as the other. */
export const ARCHIVE_DOMAIN = 'faramesh-ledger-archive/v1';
export const SEGMENT_DOMAIN = 'faramesh-ledger-segment/v1';

type Signed = { key_id: string | null; signature: string | null };

function message(domain: string, fields: Record<string, unknown>): Buffer {
  const { signature: _signature, ...covered } = fields;
  return Buffer.from(`${domain}\n${canonicalJson(covered)}`);
}

/** `fields` with key_id and signature set: every other field is covered, in canonical JSON. */
export function signStatement<T extends Signed>(domain: string, fields: T, key: LedgerSigningKey | null): T {
  const unsigned = { ...fields, key_id: key?.keyId ?? null, signature: null };
  return { ...unsigned, signature: key ? key.sign(message(domain, unsigned)) : null };
}

/** As checkSignature for checkpoints: `forged` only when it names the given key and doesn't verify. */
export function checkStatement(domain: string, fields: Signed, key: LedgerVerifyKey | null): SignatureVerdict {
  if (fields.signature === null || fields.key_id === null) return 'unsigned';
  if (key === null || fields.key_id !== key.keyId) return 'unverified';
  try {
    return key.verify(message(domain, fields as Record<string, unknown>), fields.signature) ? 'valid' : 'forged';
  } catch {
    return 'forged';
  }
}

/** An archive record as signed: the stored record without its database id. */
export function archiveStatement(record: ArchiveRecord & { id?: number }): ArchiveRecord {
  const { id: _id, ...statement } = record;
  return statement;
}
