/**
 * Advisory lock keys (two-int form, first int = "fara" in ASCII) and the notification channel. Every
 * process writing the ledger must use the same values, so they live in one place.
 */
const NAMESPACE = 0x66617261;

/** Held (transaction-scoped) by every ledger append until COMMIT: seq order = commit order. */
export const LEDGER_LOCK: [number, number] = [NAMESPACE, 1];

/** Held while migrating, so replicas starting at once don't race. */
export const MIGRATION_LOCK: [number, number] = [NAMESPACE, 2];

/** NOTIFY channel raised in the same transaction as each append; the payload is the new max seq. */
export const LEDGER_CHANNEL = 'faramesh_ledger';

/** Held (transaction-scoped) by an archive's commit, so two archivers never remove the same stretch. */
export const ARCHIVE_LOCK: [number, number] = [NAMESPACE, 3];
