/** A notification (outbox message) and its delivery state, as the API shows it (never its payload). */
export interface Notification {
  /** Also the `webhook-id` header a receiver de-duplicates on. */
  id: string;
  channel: string;
  /** The ledger event type that caused it, or `test`. */
  event_type: string;
  action_id: string | null;
  /** queued (not tried yet), retrying (failed, tried again at next_attempt_at), delivered, dead (re-drivable). */
  state: 'queued' | 'retrying' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface NotificationList {
  items: Notification[];
}
