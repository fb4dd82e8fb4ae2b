/**
 * Uses of one-time email approval links (`store.emailLinks`). A link is signed by the server and
 * carries everything it is bound to; the store only remembers which link ids were used, so a
 * link counts once however many replicas receive clicks for it at the same moment. The store is
 * a leaf: it knows nothing of signatures, identities' rights or clocks (times are given).
 */
export interface EmailLinkUse {
  /** The link's random id (shared by the Approve and Deny links of one message: one use for both). */
  link_id: string;
  action_id: string;
  /** The identity the link was sent to. */
  identity: string;
  decision: 'approve' | 'deny';
  used_at: string;
  /** When the link itself expires; after it the row is no longer needed (the signature check refuses). */
  expires_at: string;
}

export interface EmailLinkStore {
  /**
   * Records the first use of a link, atomically: true for the one caller that recorded it, false
   * when the link was used before (nothing changes). Two concurrent uses never both get true.
   */
  use(use: EmailLinkUse): Promise<boolean>;
  /** The recorded use of a link, or null when it was never used. */
  get(linkId: string): Promise<EmailLinkUse | null>;
  /** Deletes at most `limit` uses of links that expired at or before `at`; returns how many. */
  deleteExpired(at: string, limit: number): Promise<number>;
}

/** The columns of the email_link_uses table, in insert order. */
export const EMAIL_LINK_COLUMNS = ['link_id', 'action_id', 'identity', 'decision', 'used_at', 'expires_at'] as const;

export function emailLinkRow(use: EmailLinkUse): string[] {
  return EMAIL_LINK_COLUMNS.map((column) => use[column]);
}

export function rowToEmailLinkUse(row: Record<(typeof EMAIL_LINK_COLUMNS)[number], string>): EmailLinkUse {
  return { ...row, decision: row.decision === 'approve' ? 'approve' : 'deny' };
}
