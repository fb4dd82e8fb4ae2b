/**
 * Where each action's Slack approval message lives (`store.slackMessages`), so later changes of the
 * action (quorum progress, the decision, expiry) can update that very message with `chat.update`.
 * One row per (Faramesh channel, action). The store is a leaf: `slack_channel` and `ts` are opaque
 * text to it, and times are given by the caller.
 *
 * Updates of one message are serialized across replicas by a short lock on its row: whoever holds
 * it renders the action as it is now, sends it, and records the version it rendered. So the update
 * that lands last at Slack is always the one that read the newest state.
 */
export interface SlackMessageRecord {
  /** The Faramesh channel name (a `slack.channels` entry). */
  channel: string;
  action_id: string;
  /** The Slack conversation id the message was posted in (C…, G…, D…). */
  slack_channel: string;
  /** The message's timestamp: its id within the conversation. */
  ts: string;
  /** The action `version` the message shows (never moves backwards). */
  rendered_version: number;
  created_at: string;
  updated_at: string;
}

export interface SlackMessageLock {
  /** The locking worker (unique per process). */
  owner: string;
  at: string;
  /** Until when the lock holds; after it another worker may take it. */
  until: string;
}

export interface SlackMessageStore {
  /**
   * Records a posted message. False, changing nothing, when one is already recorded for this
   * channel and action (the first post stays the one that is updated).
   */
  add(record: Omit<SlackMessageRecord, 'created_at' | 'updated_at'>, at: string): Promise<boolean>;
  get(channel: string, actionId: string): Promise<SlackMessageRecord | null>;
  /**
   * Takes the update lock of a message when it is free or its holder's lock expired; returns the
   * row, or null when there is no such message or another worker holds it.
   */
  lock(channel: string, actionId: string, lock: SlackMessageLock): Promise<SlackMessageRecord | null>;
  /**
   * Releases the lock, recording the version now shown (when given; never backwards). False when
   * `owner` no longer holds it (nothing changes).
   */
  unlock(
    channel: string,
    actionId: string,
    owner: string,
    input: { at: string; rendered_version: number | null },
  ): Promise<boolean>;
}

/** The columns of `slack_messages` a record reads back. */
export const SLACK_MESSAGE_COLUMNS = 'channel, action_id, slack_channel, ts, rendered_version, created_at, updated_at';
