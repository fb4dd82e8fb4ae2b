import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Database token secrets: `fm_`, 43 base62 characters holding 32 random bytes (256 bits), and a
 * 6-character base62 CRC-32 of those 43 characters. The prefix and the checksum let secret scanners
 * recognise a leaked token and tell it from a random string without asking the server (like
 * GitHub's `ghp_` tokens); the server also uses them to skip the database for strings that can't be
 * tokens. Only the SHA-256 digest of the whole secret is stored: with 256 random bits there is
 * nothing to brute-force, so a slow password hash would add cost to every request and no safety,
 * and a fast digest can be the index every request looks the token up by.
 */
export const TOKEN_PREFIX = 'fm_';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 43; // 62^43 > 2^256
const CHECKSUM_CHARS = 6; // 62^6 > 2^32
const SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);

/** Characters of the secret kept for display: the prefix and four random characters. */
export const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 4;

function base62(value: bigint, width: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    text = ALPHABET[Number(rest % 62n)] + text;
    rest /= 62n;
  }
  return text;
}

function checksum(body: string): string {
  return base62(BigInt(crc32(body)), CHECKSUM_CHARS);
}

/** A fresh secret; `random` is for tests that need a fixed one. */
export function newTokenSecret(random: Buffer = randomBytes(32)): string {
  const body = base62(BigInt(`0x${random.toString('hex')}`), RANDOM_CHARS);
  return `${TOKEN_PREFIX}${body}${checksum(body)}`;
}

/** Whether `text` has the shape and a correct checksum of a database token secret. */
export function isTokenSecret(text: string): boolean {
  if (!SHAPE.test(text)) return false;
  const body = text.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_CHARS);
  return checksum(body) === text.slice(-CHECKSUM_CHARS);
}

/** The SHA-256 digest a secret is stored and looked up by. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
