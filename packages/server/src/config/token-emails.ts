import { isEmailAddress } from '../notify/email-address.js';
import type { TokenSpec } from './config.js';
import { listEntries } from './token-identities.js';

/**
 * FARAMESH_TOKEN_EMAILS (`name=address,name=address`): the email address of environment-token
 * identities, where email channels send their messages. Identities named by an email (single
 * sign-on people, `alice@corp.example` in a policy) need no entry: their name is their address.
 */
export function applyTokenEmails(tokens: TokenSpec[], raw: string | undefined, problems: string[]): void {
  const byName = new Map(tokens.map((spec) => [spec.name, spec]));
  for (const [name, addresses] of listEntries('FARAMESH_TOKEN_EMAILS', raw, problems)) {
    const spec = byName.get(name);
    const address = addresses.length === 1 ? addresses[0] : undefined;
    if (spec === undefined) problems.push(`FARAMESH_TOKEN_EMAILS: no token is named "${name}"`);
    else if (spec.email !== undefined) problems.push(`FARAMESH_TOKEN_EMAILS: "${name}" is listed twice`);
    else if (!isEmailAddress(address))
      problems.push(`FARAMESH_TOKEN_EMAILS: "${name}" needs one plain address (name@host)`);
    else spec.email = address;
  }
}
