/**
 * Email addresses Faramesh sends to: a conservative dot-atom form only (no quoted local parts, no
 * comments, no display names inside, no IP literals), so an address can never be read two ways by
 * two parsers (one class of "mail sent to another domain" bugs), and never carries a header break.
 */
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value);
}

/** A From header as written in the config: `addr@host` or `Display Name <addr@host>`. */
export interface MailboxSpec {
  name: string | null;
  address: string;
}

export function parseMailbox(value: unknown): MailboxSpec | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (isEmailAddress(text)) return { name: null, address: text };
  const match = /^([^<>"\\\p{Cc}]{1,128}?)\s*<([^<>]+)>$/u.exec(text);
  if (match === null || !isEmailAddress(match[2])) return null;
  return { name: (match[1] ?? '').trim() || null, address: match[2] as string };
}
