import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * Ed25519 keys for ledger checkpoints. The server signs with the secret key (FARAMESH_LEDGER_KEY);
 * anyone holding only the public key can verify, so auditors never get the power to forge. Keys are
 * written as `ed25519-secret:<base64url 32-byte seed>` and `ed25519-public:<base64url 32 bytes>`.
 */
export interface LedgerVerifyKey {
  /** First 16 hex digits of sha256 of the raw public key: names the key in every checkpoint. */
  keyId: string;
  publicKey: string;
  verify(message: Buffer, signature: string): boolean;
}

export interface LedgerSigningKey extends LedgerVerifyKey {
  sign(message: Buffer): string;
}

const SECRET_PREFIX = 'ed25519-secret:';
const PUBLIC_PREFIX = 'ed25519-public:';
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class LedgerKeyError extends Error {
  override readonly name = 'LedgerKeyError';
}

/** A new key pair, as the texts `faramesh audit keygen` prints. */
export function generateLedgerKey(): { secret: string; public: string; keyId: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'jwk' }).d ?? '';
  const key = parseSigningKey(`${SECRET_PREFIX}${seed}`);
  return { secret: `${SECRET_PREFIX}${seed}`, public: key.publicKey, keyId: key.keyId };
}

/** Parses FARAMESH_LEDGER_KEY. Throws LedgerKeyError with a printable message. */
export function parseSigningKey(text: string): LedgerSigningKey {
  const trimmed = text.trim();
  if (!trimmed.startsWith(SECRET_PREFIX)) {
    throw new LedgerKeyError(
      `the ledger key must start with "${SECRET_PREFIX}" (make one with \`faramesh audit keygen\`)`,
    );
  }
  const seed = decode32(trimmed.slice(SECRET_PREFIX.length), 'secret');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const verifier = verifyKey(createPublicKey(privateKey));
  return { ...verifier, sign: (message) => sign(null, message, privateKey).toString('base64url') };
}

/** Parses a key given to a verifier: the public key, or the secret one (its public half is used). */
export function parseVerifyKey(text: string): LedgerVerifyKey {
  const trimmed = text.trim();
  if (trimmed.startsWith(SECRET_PREFIX)) {
    const { keyId, publicKey, verify: check } = parseSigningKey(trimmed);
    return { keyId, publicKey, verify: check };
  }
  if (!trimmed.startsWith(PUBLIC_PREFIX)) {
    throw new LedgerKeyError(`a ledger key starts with "${PUBLIC_PREFIX}" or "${SECRET_PREFIX}"`);
  }
  const x = decode32(trimmed.slice(PUBLIC_PREFIX.length), 'public').toString('base64url');
  return verifyKey(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }));
}

function verifyKey(publicKey: KeyObject): LedgerVerifyKey {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return {
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    publicKey: `${PUBLIC_PREFIX}${raw.toString('base64url')}`,
    verify(message, signature) {
      const bytes = Buffer.from(signature, 'base64url');
      return bytes.length === 64 && verify(null, message, publicKey, bytes);
    },
  };
}

function decode32(text: string, what: string): Buffer {
  const bytes = /^[A-Za-z0-9_-]+={0,2}$|^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64url') : null;
  if (bytes === null || bytes.length !== 32) {
    throw new LedgerKeyError(`the ${what} ledger key must be 32 bytes in base64url`);
  }
  return bytes;
}
