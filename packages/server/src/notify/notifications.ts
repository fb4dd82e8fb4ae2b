import type { Notification } from '@faramesh/contract';
import type {
  ActionRecord,
  NewEvent,
  NewOutboxMessage,
  OutboxMessage,
  OutboxStatus,
  OutboxStore,
} from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import type { Channel } from './channel.js';
import type { NotificationRouter } from './notification-router.js';
import type { OutboxWorker } from './outbox-worker.js';

/** A notification as the API shows it (no payload: it may be large; the action is readable itself). */
type NotificationView = Notification;

export function notificationView(m: OutboxMessage): NotificationView {
  const state =
    m.status === 'queued' && m.attempts > 0 && m.last_error !== null
      ? 'retrying'
      : (m.status as NotificationView['state']);
  return {
    id: m.id,
    channel: m.channel,
    event_type: m.event_type,
    action_id: m.action_id,
    state,
    attempts: m.attempts,
    next_attempt_at: m.status === 'queued' ? m.next_attempt_at : null,
    last_error: m.last_error,
    created_at: m.created_at,
    delivered_at: m.delivered_at,
  };
}

const STATUS_OF_STATE: Record<string, OutboxStatus> = { queued: 'queued', delivered: 'delivered', dead: 'dead' };

/**
 * The server's notifications: routing for the action services (messages ride in the event's
 * transaction), the worker's wake-up, and the admin operations (list, re-drive, test).
 */
export class Notifications {
  constructor(
    private readonly outbox: OutboxStore | null,
    private router: NotificationRouter,
    private channels: ReadonlyMap<string, Channel>,
    private worker: OutboxWorker | null,
    private readonly now: () => Date,
  ) {}

  /** Routes to, and tests, another set of channels from now on (a channels reload). */
  use(router: NotificationRouter, channels: ReadonlyMap<string, Channel>, worker: OutboxWorker | null): void {
    this.router = router;
    this.channels = channels;
    this.worker = worker;
  }

  /** False when no channel is configured: `route` would queue nothing (callers skip building its input). */
  get routing(): boolean {
    return this.router.enabled;
  }

  /**
   * The messages an event's write queues, with their payload text made once (stored, then sent) and,
   * when this process delivers, leased to its worker (handed over by `queued` after the commit).
   */
  route(action: ActionRecord, events: readonly NewEvent[], at: string): NewOutboxMessage[] | undefined {
    const messages = this.router.route(action, events, at);
    if (messages.length === 0) return undefined;
    const lease = this.worker?.leaseFrom(at);
    for (const m of messages) {
      m.payload_json = JSON.stringify(m.payload);
      if (lease !== undefined) m.lease = lease;
    }
    return messages;
  }

  /** Called after the commit (at `at`) that queued `messages`: the worker delivers them from memory. */
  queued(messages: readonly NewOutboxMessage[], at: string): void {
    this.worker?.adopt(messages, at);
  }

  async forAction(actionId: string): Promise<NotificationView[]> {
    return (await this.store().list({ action_id: actionId, limit: 200 })).map(notificationView);
  }

  async list(state: string | undefined, limit: number): Promise<NotificationView[]> {
    const status = state === undefined ? undefined : STATUS_OF_STATE[state];
    if (state !== undefined && status === undefined) {
      throw new ApiError('bad_request', 'state must be queued, delivered or dead');
    }
    return (await this.store().list({ status, limit })).map(notificationView);
  }

  async retry(id: string): Promise<NotificationView> {
    const outbox = this.store();
    const retried = await outbox.retry(id, this.now().toISOString());
    if (retried === null) {
      const found = await outbox.get(id);
      if (found === null) throw new ApiError('notification_not_found', `no notification ${id}`);
      throw new ApiError('notification_not_dead', `notification ${id} is ${notificationView(found).state}, not dead`);
    }
    this.worker?.kick();
    return notificationView(retried);
  }

  async test(channel: string, by: string): Promise<NotificationView> {
    if (!this.channels.has(channel)) {
      throw new ApiError('channel_not_found', `no channel named ${channel}`, { channels: [...this.channels.keys()] });
    }
    const at = this.now().toISOString();
    const message = this.router.test(channel, at, by);
    await this.store().add([message], at);
    this.worker?.kick();
    return notificationView((await this.store().get(message.id)) as OutboxMessage);
  }

  private store(): OutboxStore {
    if (this.outbox === null) {
      throw new ApiError('notifications_unavailable', 'this storage backend has no notification outbox');
    }
    return this.outbox;
  }
}
