export { resolveCutoff } from './audit/archive/archive-cutoff.js';
export {
  type ArchiveOptions,
  type ArchiverDeps,
  type ArchiveStep,
  archiveLedger,
  DEFAULT_SEGMENT_BYTES,
} from './audit/archive/archiver.js';
export { type SegmentSetVerification, verifySegments } from './audit/archive/segment-set.js';
export type { SegmentProblem, SegmentVerification } from './audit/archive/segment-verify.js';
export { auditLedger, type LedgerAudit, type VerifyOptions } from './audit/ledger-audit.js';
export {
  generateLedgerKey,
  LedgerKeyError,
  type LedgerVerifyKey,
  parseSigningKey,
  parseVerifyKey,
} from './audit/ledger-key.js';
export { quickLedgerCheck } from './audit/quick-check.js';
export { Authenticator, OPEN_PRINCIPAL, type Principal } from './auth/authenticator.js';
export { TokenAdmin, type TokenAdminOptions } from './auth/token-admin.js';
export { isTokenSecret, TOKEN_PREFIX } from './auth/token-secret.js';
export { ConfigError, type ConfigFlags, resolveConfig, type ServerConfig, type TokenSpec } from './config/config.js';
export { parseDotenv } from './config/dotenv.js';
export { ApiError } from './http/api-error.js';
export { buildApp } from './http/app.js';
export { ledgerPageEvents } from './limits/ledger-page.js';
export { loadServerConfig, runServe, type ServeOptions, StartupError } from './main.js';
export { PolicyLoadError } from './policy/policy-holder.js';
export {
  isRedactionKeyId,
  KEY_ID_SETTING,
  type KeyIdVerdict,
  keyIdVerdict,
} from './redaction/key-id-verdict.js';
export { type CreateServerOptions, createServer, type FarameshServer, type ServerLogger } from './server.js';
