import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SlackReplayGuard, slackSignature, verifySlackSignature } from './slack-signature.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_531_420_618_000;
const BODY = Buffer.from('token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070');

const verify = (over: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) =>
  verifySlackSignature({
    secrets: [SECRET],
    timestamp: '1531420618',
    signature: slackSignature(SECRET, '1531420618', BODY),
    body: BODY,
    nowMs: NOW,
    ...over,
  });

describe('Slack request signatures', () => {
  it('is v0= and the hex HMAC-SHA256 of v0:timestamp:body keyed with the signing secret', () => {
    const expected = createHmac('sha256', SECRET).update(`v0:1531420618:${BODY.toString()}`).digest('hex');
    expect(slackSignature(SECRET, '1531420618', BODY)).toBe(`v0=${expected}`);
    expect(slackSignature(SECRET, '1531420618', BODY.toString())).toBe(`v0=${expected}`);
  });

  it('accepts a request signed with the signing secret within five minutes, either way', () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ nowMs: NOW + 300_000 })).toEqual({ ok: true });
    expect(verify({ nowMs: NOW - 300_000 })).toEqual({ ok: true });
  });

  it('refuses a wrong signature, another secret, a changed body or timestamp', () => {
    expect(verify({ signature: `v0=${'0'.repeat(64)}` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ signature: slackSignature('another-secret-0000', '1531420618', BODY) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify({ body: Buffer.concat([BODY, Buffer.from('&x=1')]) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ timestamp: '1531420619' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ signature: 'v0=short' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a stale timestamp (replay window) and missing or malformed headers', () => {
    expect(verify({ nowMs: NOW + 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verify({ nowMs: NOW - 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verify({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ timestamp: '1531420618.5' })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ timestamp: '-1' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts either of two signing secrets while rotating', () => {
    const next = 'fresh0signing0secret0000000000ab';
    const signed = slackSignature(next, '1531420618', BODY);
    expect(verify({ secrets: [next, SECRET], signature: signed })).toEqual({ ok: true });
    expect(verify({ secrets: [next, SECRET] })).toEqual({ ok: true });
    expect(verify({ secrets: [SECRET], signature: signed })).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('Slack replay guard', () => {
  it('refuses the same signed request a second time within its window', () => {
    const guard = new SlackReplayGuard();
    expect(guard.seen('v0=aa', '1531420618', NOW)).toBe(false);
    expect(guard.seen('v0=aa', '1531420618', NOW + 1000)).toBe(true);
    expect(guard.seen('v0=bb', '1531420618', NOW + 1000)).toBe(false);
  });

  it('forgets requests whose window has passed and never holds more than its bound', () => {
    const guard = new SlackReplayGuard(3);
    guard.seen('v0=1', '1531420618', NOW);
    expect(guard.seen('v0=2', '1531420918', NOW + 301_000)).toBe(false);
    expect(guard.size).toBe(1);
    for (let i = 3; i < 10; i++) guard.seen(`v0=${i}`, '1531420918', NOW + 301_000);
    expect(guard.size).toBeLessThanOrEqual(3);
    expect(guard.seen('v0=9', '1531420918', NOW + 301_000)).toBe(true);
  });
});
