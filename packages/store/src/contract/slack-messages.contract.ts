import { describe, expect, it } from 'vitest';
import type { SlackMessageStore } from '../slack/slack-message-store.js';
import type { ContractScope } from './contract-scope.js';

const T = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second)).toISOString();

function messagesOf(s: ContractScope): SlackMessageStore {
  const { slackMessages } = s.store;
  if (slackMessages === undefined) throw new Error(`${s.name} has no slackMessages`);
  return slackMessages;
}

const posted = { channel: 'finance-slack', action_id: 'a-1', slack_channel: 'C0123', ts: '1700000000.000100' };

/** `store.slackMessages`: where each action's Slack message is, and the lock that serializes its updates. */
export function describeSlackMessagesContract(s: ContractScope): void {
  describe('slack messages', () => {
    it('records a posted message once per channel and action, keeping the first', async () => {
      await s.fresh();
      const messages = messagesOf(s);
      expect(await messages.add({ ...posted, rendered_version: 1 }, T(0))).toBe(true);
      expect(await messages.add({ ...posted, ts: '1700000000.000200', rendered_version: 2 }, T(1))).toBe(false);
      expect(await messages.get(posted.channel, posted.action_id)).toEqual({
        ...posted,
        rendered_version: 1,
        created_at: T(0),
        updated_at: T(0),
      });
      expect(await messages.add({ ...posted, channel: 'ops-slack', rendered_version: 1 }, T(1))).toBe(true);
      expect(await messages.get('nope', posted.action_id)).toBeNull();
    });

    it('lets one worker at a time hold the update lock, until it unlocks or its lock expires', async () => {
      await s.fresh();
      const messages = messagesOf(s);
      expect(await messages.lock(posted.channel, posted.action_id, { owner: 'a', at: T(0), until: T(10) })).toBeNull();
      await messages.add({ ...posted, rendered_version: 1 }, T(0));
      const held = await messages.lock(posted.channel, posted.action_id, { owner: 'a', at: T(1), until: T(10) });
      expect(held).toMatchObject({ ...posted, rendered_version: 1 });
      expect(await messages.lock(posted.channel, posted.action_id, { owner: 'b', at: T(2), until: T(12) })).toBeNull();
      expect(await messages.unlock(posted.channel, posted.action_id, 'b', { at: T(3), rendered_version: 9 })).toBe(
        false,
      );
      expect(await messages.unlock(posted.channel, posted.action_id, 'a', { at: T(3), rendered_version: 4 })).toBe(
        true,
      );
      expect(
        await messages.lock(posted.channel, posted.action_id, { owner: 'b', at: T(4), until: T(14) }),
      ).toMatchObject({
        rendered_version: 4,
      });
      // b dies holding it: once its lock expires, c takes over; b's late unlock changes nothing.
      const taken = await messages.lock(posted.channel, posted.action_id, { owner: 'c', at: T(14), until: T(24) });
      expect(taken).not.toBeNull();
      expect(await messages.unlock(posted.channel, posted.action_id, 'b', { at: T(15), rendered_version: 7 })).toBe(
        false,
      );
      expect((await messages.get(posted.channel, posted.action_id))?.rendered_version).toBe(4);
    });

    it('never moves the rendered version backwards, and keeps it when none is given', async () => {
      await s.fresh();
      const messages = messagesOf(s);
      await messages.add({ ...posted, rendered_version: 5 }, T(0));
      await messages.lock(posted.channel, posted.action_id, { owner: 'a', at: T(1), until: T(10) });
      await messages.unlock(posted.channel, posted.action_id, 'a', { at: T(2), rendered_version: 3 });
      expect((await messages.get(posted.channel, posted.action_id))?.rendered_version).toBe(5);
      await messages.lock(posted.channel, posted.action_id, { owner: 'a', at: T(3), until: T(10) });
      await messages.unlock(posted.channel, posted.action_id, 'a', { at: T(4), rendered_version: null });
      expect(await messages.get(posted.channel, posted.action_id)).toMatchObject({
        rendered_version: 5,
        updated_at: T(4),
      });
    });
  });
}
