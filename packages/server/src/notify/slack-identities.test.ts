import { describe, expect, it } from 'vitest';
import { SlackIdentities, type SlackProfile } from './slack-identities.js';

function identities(profiles: Record<string, SlackProfile | Error>, options = { maxEntries: 1000, ttlMs: 60_000 }) {
  const lookups: string[] = [];
  const clock = { now: 0 };
  const mapper = new SlackIdentities(
    { users: new Map([['U0ALICE', 'alice']]), usersByEmail: true },
    async (id) => {
      lookups.push(id);
      const found = profiles[id];
      if (found instanceof Error) throw found;
      if (found === undefined)
        throw Object.assign(new Error('x'), { code: 'slack_webapi_platform_error', data: { error: 'user_not_found' } });
      return found;
    },
    () => new Date(clock.now),
    options,
  );
  return { mapper, lookups, clock };
}

const profile = (email: string | null, over: Partial<SlackProfile> = {}): SlackProfile => ({
  email,
  emailConfirmed: null,
  deleted: false,
  bot: false,
  ...over,
});

describe('Slack user → Faramesh identity', () => {
  it('uses the explicit map first, without asking Slack', async () => {
    const { mapper, lookups } = identities({ U0ALICE: profile('someone-else@corp.example') });
    expect(await mapper.identityOf('U0ALICE')).toEqual({ ok: true, name: 'alice', via: 'map' });
    expect(lookups).toEqual([]);
  });

  it("otherwise takes the profile's email, lowercased, and caches it for a while", async () => {
    const { mapper, lookups, clock } = identities({ U0BOB: profile('Bob@Corp.Example') });
    expect(await mapper.identityOf('U0BOB')).toEqual({ ok: true, name: 'bob@corp.example', via: 'email' });
    expect(await mapper.identityOf('U0BOB')).toMatchObject({ name: 'bob@corp.example' });
    expect(lookups).toEqual(['U0BOB']);
    clock.now = 60_001;
    await mapper.identityOf('U0BOB');
    expect(lookups).toEqual(['U0BOB', 'U0BOB']);
  });

  it('maps deactivated users, bots, unconfirmed or missing emails to no one', async () => {
    const { mapper } = identities({
      U0GONE: profile('gone@corp.example', { deleted: true }),
      U0BOT: profile('bot@corp.example', { bot: true }),
      U0NEW: profile('new@corp.example', { emailConfirmed: false }),
      U0NOMAIL: profile(null),
      U0ODD: profile('not an email'),
    });
    expect(await mapper.identityOf('U0GONE')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('deactivated'),
    });
    expect(await mapper.identityOf('U0BOT')).toMatchObject({ ok: false });
    expect(await mapper.identityOf('U0NEW')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not confirmed'),
    });
    expect(await mapper.identityOf('U0NOMAIL')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('users:read.email'),
    });
    expect(await mapper.identityOf('U0ODD')).toMatchObject({ ok: false });
  });

  it('does not cache a failed lookup, and names only the Slack error', async () => {
    const profiles: Record<string, SlackProfile | Error> = {
      U0DANA: Object.assign(new Error('socket hang up, token xoxb-secret'), { code: 'slack_webapi_request_error' }),
    };
    const { mapper, lookups } = identities(profiles);
    const failed = await mapper.identityOf('U0DANA');
    expect(failed).toEqual({
      ok: false,
      reason: 'your Slack profile could not be read (Slack could not be reached); try again',
    });
    profiles.U0DANA = profile('dana@corp.example');
    expect(await mapper.identityOf('U0DANA')).toMatchObject({ ok: true, name: 'dana@corp.example' });
    expect(lookups).toEqual(['U0DANA', 'U0DANA']);
  });

  it('without users_by_email, maps only the users listed', async () => {
    const mapper = new SlackIdentities(
      { users: new Map([['U0ALICE', 'alice']]), usersByEmail: false },
      async () => {
        throw new Error('never asked');
      },
      () => new Date(0),
    );
    expect(await mapper.identityOf('U0ALICE')).toMatchObject({ ok: true, name: 'alice' });
    expect(await mapper.identityOf('U0BOB')).toEqual({
      ok: false,
      reason: 'your Slack account is not linked to a Faramesh identity',
    });
  });

  it('keeps at most its bound of cached profiles', async () => {
    const profiles = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`U0USER${i}`, profile(`user${i}@corp.example`)]),
    );
    const { mapper, lookups } = identities(profiles, { maxEntries: 2, ttlMs: 60_000 });
    for (const id of Object.keys(profiles)) await mapper.identityOf(id);
    await mapper.identityOf('U0USER4');
    await mapper.identityOf('U0USER0');
    expect(lookups).toEqual(['U0USER0', 'U0USER1', 'U0USER2', 'U0USER3', 'U0USER4', 'U0USER0']);
  });
});
