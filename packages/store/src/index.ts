export { createdRecord } from './created-record.js';
export { eventHash, eventHashWithSnapshot, type LedgerVerdict, verifyLedger } from './hash-chain.js';
export type {
  AuditedAction,
  AuditedEvent,
  EventKey,
  LedgerCheckpoint,
  LedgerState,
  LedgerStore,
  StoredCheckpoint,
} from './ledger-store.js';
export { createMemoryStore } from './memory/memory-store.js';
export type {
  ClaimInput,
  NewOutboxMessage,
  OutboxFilter,
  OutboxMessage,
  OutboxStatus,
  OutboxStore,
} from './outbox/outbox-store.js';
export {
  type CommitStats as PostgresCommitStats,
  createPostgresStore,
  type PostgresStoreOptions,
} from './postgres/postgres-store.js';
export {
  migrateSqliteToPostgres,
  type SqliteToPostgresOptions,
  type SqliteToPostgresResult,
} from './postgres/sqlite-to-postgres.js';
export { SCHEMA_VERSION } from './schema-version.js';
export type { SessionRecord, SessionStore } from './sessions/session-store.js';
export { type CommitStats, createSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export {
  type ActionFilter,
  type ActionPatch,
  type ActionRecord,
  type ApprovalDecisionRecord,
  type ApprovalState,
  type CreateActionInput,
  type CreateActionResult,
  type EventRecord,
  type EventStreamFilter,
  GENESIS_HASH,
  type JsonObject,
  type ListInput,
  type ListResult,
  type NewAction,
  type NewEvent,
  type Store,
  StoreError,
  type StoreErrorCode,
  type StoreInfo,
  type TransitionInput,
  type TransitionResult,
} from './store.js';
export type { NewToken, TokenCounts, TokenListInput, TokenRecord, TokenStore } from './token-store.js';
