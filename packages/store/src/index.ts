export { createdRecord } from './created-record.js';
export type { EmailLinkStore, EmailLinkUse } from './email-links/email-link-store.js';
export type { GrantChange, GrantListInput, GrantRecord, GrantStore, GrantUse, NewGrant } from './grants/grant-store.js';
export { eventHash, eventHashWithSnapshot, type LedgerVerdict, verifyLedger } from './hash-chain.js';
export type {
  ArchiveCommitInput,
  ArchiveCommitStep,
  ArchiveRecord,
  ArchiveSegmentInfo,
  LedgerArchiveStore,
  StoredArchive,
  UsagePruneStep,
} from './ledger-archive.js';
export type {
  AuditedAction,
  AuditedEvent,
  EventKey,
  LedgerCheckpoint,
  LedgerState,
  LedgerStore,
  StoredCheckpoint,
} from './ledger-store.js';
export type { GatedCreate, LimitGate } from './limit-usage.js';
export { createMemoryStore } from './memory/memory-store.js';
export type {
  ClaimInput,
  NewOutboxMessage,
  OutboxFilter,
  OutboxLease,
  OutboxMessage,
  OutboxOutcome,
  OutboxStatus,
  OutboxStore,
} from './outbox/outbox-store.js';
export { queuedMessage } from './outbox/outbox-store.js';
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
export type { SettingRecord, SettingsStore, SettingWrite } from './settings/settings-store.js';
export type {
  ShadowDisagreementRecord,
  ShadowExampleRow,
  ShadowGroupRow,
  ShadowPolicyRecord,
  ShadowRuleRef,
  ShadowStore,
  ShadowSummaryInput,
  ShadowSummaryRows,
} from './shadow/shadow-store.js';
export type { SlackMessageLock, SlackMessageRecord, SlackMessageStore } from './slack/slack-message-store.js';
export { type CommitStats, createSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export {
  type ActionFilter,
  type ActionPatch,
  type ActionRecord,
  type ApprovalDecisionRecord,
  type ApprovalState,
  type BreakGlassRecord,
  type BreakGlassReview,
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
