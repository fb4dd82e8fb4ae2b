import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type EmailLink, newLinkId, signLink, verifyLink } from './email-link.js';

const KEY = Buffer.from('a-test-link-secret-of-at-least-32-characters', 'utf8');
const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const link: EmailLink = {
  id: newLinkId(),
  action_id: '2755d4a8-8a4f-4f55-9d1e-0a4d0f0e7a11',
  request_hash: 'a'.repeat(64),
  identity: 'alice@corp.example',
  channel: 'finance-email',
  decision: 'approve',
  expires_at_ms: NOW + 15 * 60_000,
};

/** The token with one base64url character of its body or signature changed. */
function flip(token: string, at: number): string {
  const c = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${c}${token.slice(at + 1)}`;
}

describe('email approval links', () => {
  it('verifies a link it signed, with every field it is bound to', () => {
    const token = signLink(link, KEY);
    expect(verifyLink(token, KEY, NOW)).toEqual({ ok: true, link });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('gives the Approve and Deny links of one message different tokens but one id', () => {
    const approve = signLink(link, KEY);
    const deny = signLink({ ...link, decision: 'deny' }, KEY);
    expect(approve).not.toBe(deny);
    const checked = verifyLink(deny, KEY, NOW);
    expect(checked.ok && checked.link).toMatchObject({ id: link.id, decision: 'deny' });
  });

  it('refuses a link whose body was changed (another action, identity, decision or expiry)', () => {
    const token = signLink(link, KEY);
    for (const changed of [
      { ...link, action_id: '00000000-0000-0000-0000-000000000000' },
      { ...link, identity: 'mallory@corp.example' },
      { ...link, decision: 'deny' as const },
      { ...link, expires_at_ms: link.expires_at_ms + 86_400_000 },
      { ...link, request_hash: 'b'.repeat(64) },
    ]) {
      // The attacker's body with the original signature.
      const forged = `${signLink(changed, KEY).split('.')[0]}.${token.split('.')[1]}`;
      expect(verifyLink(forged, KEY, NOW)).toMatchObject({ ok: false, code: 'email_link_invalid' });
    }
    expect(verifyLink(flip(token, 5), KEY, NOW)).toMatchObject({ ok: false, code: 'email_link_invalid' });
    expect(verifyLink(flip(token, token.length - 3), KEY, NOW)).toMatchObject({
      ok: false,
      code: 'email_link_invalid',
    });
  });

  it('refuses a link signed with another key', () => {
    const other = signLink(link, Buffer.from('another-secret-of-at-least-32-characters!!', 'utf8'));
    expect(verifyLink(other, KEY, NOW)).toEqual({
      ok: false,
      code: 'email_link_invalid',
      reason: 'the link was not signed by this server',
    });
  });

  it('refuses a link from its expiry on, and says when it expired', () => {
    const token = signLink(link, KEY);
    expect(verifyLink(token, KEY, link.expires_at_ms - 1).ok).toBe(true);
    expect(verifyLink(token, KEY, link.expires_at_ms)).toEqual({
      ok: false,
      code: 'email_link_expired',
      reason: 'the link expired at 2030-01-01T00:15:00.000Z',
    });
  });

  it('refuses malformed, truncated, oversized and non-string tokens without throwing', () => {
    const token = signLink(link, KEY);
    for (const bad of [
      undefined,
      42,
      '',
      'no-dot',
      token.slice(0, -1),
      token.slice(1),
      `${token}.extra`,
      `${'A'.repeat(5000)}.${token.split('.')[1]}`,
      `${token.split('.')[0]}=.${token.split('.')[1]}`,
    ]) {
      expect(verifyLink(bad, KEY, NOW)).toMatchObject({ ok: false, code: 'email_link_invalid' });
    }
  });

  it('refuses a correctly signed body that is not a link (wrong version or shape)', () => {
    const sign = (value: unknown) => {
      const body = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
      const mac = createHmac('sha256', KEY).update('faramesh-email-link-v1\0').update(body).digest('base64url');
      return `${body}.${mac}`;
    };
    const fields = [link.id, link.action_id, link.request_hash, link.identity, link.channel, 'approve', NOW + 1000];
    expect(verifyLink(sign([1, ...fields]), KEY, NOW).ok).toBe(true);
    expect(verifyLink(sign([2, ...fields]), KEY, NOW).ok).toBe(false);
    expect(verifyLink(sign([1, ...fields.slice(0, 5), 'approve-all', NOW + 1000]), KEY, NOW).ok).toBe(false);
    expect(verifyLink(sign([1, ...fields.slice(0, 6), '9999999999999']), KEY, NOW).ok).toBe(false);
    expect(verifyLink(sign({ id: link.id }), KEY, NOW).ok).toBe(false);
  });
});
