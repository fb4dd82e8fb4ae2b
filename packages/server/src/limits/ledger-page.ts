/**
 * Reading the ledger goes page by page. The replica follower passes LEDGER_PAGE_BYTES as the store's
 * `maxBytes`, so a page ends at that much snapshot and meta JSON (or 500 events); SSE connections use
 * their smaller batch size the same way; the audit export and verify page by count,
 * `ledgerPageEvents` of them, sized from the body limit.
 */
export const LEDGER_PAGE_BYTES = 4 * 1024 * 1024;

/** Events per count-bounded ledger page: 1,000 when the body limit keeps actions small, fewer for larger ones. */
export function ledgerPageEvents(maxBodyBytes: number): number {
  return Math.max(1, Math.min(1000, Math.floor((4 * LEDGER_PAGE_BYTES) / maxBodyBytes)));
}
