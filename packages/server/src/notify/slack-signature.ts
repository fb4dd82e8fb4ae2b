import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a request whose timestamp is further than this from now is refused. */
export const SLACK_REPLAY_WINDOW_SECONDS = 300;

export type SlackSignatureVerdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/**
 * Slack's request signature (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` keyed with the app's
 * signing secret.
 */
export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

/**
 * Verifies a request's `X-Slack-Signature` against each signing secret (two while rotating) in
 * constant time, after checking that `X-Slack-Request-Timestamp` is within the replay window of
 * `nowMs`. Every secret is compared whatever the outcome, so timing tells nothing about which.
 */
export function verifySlackSignature(input: {
  secrets: readonly string[];
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  nowMs: number;
}): SlackSignatureVerdict {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'missing' };
  }
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SLACK_REPLAY_WINDOW_SECONDS)
    return { ok: false, reason: 'stale' };
  const presented = digest(signature);
  let match = false;
  for (const secret of input.secrets) {
    if (timingSafeEqual(digest(slackSignature(secret, timestamp, input.body)), presented)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Both sides hashed to equal length first: timingSafeEqual needs it, and lengths then leak nothing. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Remembers the signatures of requests already accepted within the replay window, so the very same
 * signed request sent again is refused. Bounded: entries leave once their window has passed, and
 * beyond `maxEntries` the oldest go first (only validly signed requests get in, so only Slack,
 * or whoever holds the signing secret, can fill it).
 */
export class SlackReplayGuard {
  readonly #seen = new Map<string, number>();

  constructor(private readonly maxEntries = 10_000) {}

  /** True when this signature was already accepted; otherwise records it and returns false. */
  seen(signature: string, timestamp: string, nowMs: number): boolean {
    for (const [key, until] of this.#seen) {
      if (until > nowMs && this.#seen.size < this.maxEntries) break;
      this.#seen.delete(key);
    }
    if (this.#seen.has(signature)) return true;
    this.#seen.set(signature, (Number(timestamp) + SLACK_REPLAY_WINDOW_SECONDS) * 1000);
    return false;
  }

  get size(): number {
    return this.#seen.size;
  }
}
