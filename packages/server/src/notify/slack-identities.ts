import type { SlackConfig } from './slack-config.js';
import { slackErrorText } from './slack-web-client.js';

/** What `users.info` says about a Slack user, as far as identity goes. */
export interface SlackProfile {
  email: string | null;
  /** Slack's `is_email_confirmed` when it sends it; null when it doesn't. */
  emailConfirmed: boolean | null;
  deleted: boolean;
  bot: boolean;
}

export type SlackIdentity = { ok: true; name: string; via: 'map' | 'email' } | { ok: false; reason: string };

const EMAIL = /^[^\s@<>]{1,128}@[^\s@<>]{1,190}$/;

/**
 * Maps a Slack user to the Faramesh identity they act as: the explicit `users:` map first (Slack
 * user id → identity), else, with `users_by_email`, the email of their Slack profile (`users.info`,
 * scope users:read.email), lowercased, which is the identity's name (as OpenID Connect sign-in and
 * policies' `groups:` write people). Deleted users, bots and unconfirmed emails map to no one.
 * Profile lookups are cached for `ttlMs`, at most `maxEntries` users (least recently added first out).
 */
export class SlackIdentities {
  readonly #cache = new Map<string, { identity: SlackIdentity; until: number }>();

  constructor(
    private readonly config: Pick<SlackConfig, 'users' | 'usersByEmail'>,
    private readonly lookup: (userId: string) => Promise<SlackProfile>,
    private readonly now: () => Date,
    private readonly options: { maxEntries: number; ttlMs: number } = { maxEntries: 1000, ttlMs: 10 * 60_000 },
  ) {}

  async identityOf(userId: string): Promise<SlackIdentity> {
    const mapped = this.config.users.get(userId);
    if (mapped !== undefined) return { ok: true, name: mapped, via: 'map' };
    if (!this.config.usersByEmail) {
      return { ok: false, reason: 'your Slack account is not linked to a Faramesh identity' };
    }
    const nowMs = this.now().getTime();
    const cached = this.#cache.get(userId);
    if (cached !== undefined && cached.until > nowMs) return cached.identity;
    let profile: SlackProfile;
    try {
      profile = await this.lookup(userId);
    } catch (error) {
      // Not cached: Slack being unreachable says nothing about the person.
      return { ok: false, reason: `your Slack profile could not be read (${slackErrorText(error)}); try again` };
    }
    const identity = identityFromProfile(profile);
    this.#cache.delete(userId);
    if (this.#cache.size >= this.options.maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(userId, { identity, until: nowMs + this.options.ttlMs });
    return identity;
  }
}

function identityFromProfile(profile: SlackProfile): SlackIdentity {
  if (profile.deleted || profile.bot)
    return { ok: false, reason: 'deactivated Slack accounts and bots may not decide' };
  if (profile.email === null || !EMAIL.test(profile.email)) {
    return { ok: false, reason: 'Slack did not share your email (the app needs the users:read.email scope)' };
  }
  if (profile.emailConfirmed === false) return { ok: false, reason: 'your Slack email is not confirmed' };
  return { ok: true, name: profile.email.toLowerCase(), via: 'email' };
}

/** `users.info` through the app's client. */
export function slackProfileLookup(client: import('@slack/web-api').WebClient) {
  return async (userId: string): Promise<SlackProfile> => {
    const { user } = await client.users.info({ user: userId });
    const confirmed = (user as { is_email_confirmed?: unknown } | undefined)?.is_email_confirmed;
    return {
      email: typeof user?.profile?.email === 'string' ? user.profile.email : null,
      emailConfirmed: typeof confirmed === 'boolean' ? confirmed : null,
      deleted: user?.deleted === true,
      bot: user?.is_bot === true,
    };
  };
}
