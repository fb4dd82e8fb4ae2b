import type { Role } from '@faramesh/contract';

const MiB = 1024 * 1024;

/** Bounds on what one server holds in memory and what one caller may send (README, "Limits"). */
export interface ResourceLimits {
  /** Estimated bytes of recent events (with their rendered SSE frames) the event hub keeps. */
  eventBufferBytes: number;
  /** Bytes all SSE clients with full sockets may hold together. */
  sseBufferBytes: number;
  /** Unsent bytes one SSE client may have before it is cut off (it resumes with Last-Event-ID). */
  sseClientBufferBytes: number;
  /** Request body bytes being received or processed at once (503 `server_busy` beyond). */
  inflightBodyBytes: number;
  /** Body limits below the global one, by role and by principal name (the principal's wins). */
  roleBodyBytes: Partial<Record<Role, number>>;
  principalBodyBytes: Record<string, number>;
  /** Token bucket per principal (per client IP in open mode) over write requests; 0 = off. */
  ratePerSecond: number;
  rateBurst: number;
  /** Most distinct callers the rate limiter tracks (least recently seen are forgotten first). */
  rateLimiterKeys: number;
  /** Long-polls (`/wait`) open at once (429 `rate_limited` beyond). */
  maxWaiters: number;
  /** Bytes of an inline policy posted to /playground/eval (413 `policy_too_large` beyond). */
  playgroundPolicyBytes: number;
  /** Time an inline playground evaluation may take in its worker before it is stopped. */
  playgroundTimeoutMs: number;
  /** Inline playground evaluations waiting for the worker (429 `rate_limited` beyond). */
  playgroundQueue: number;
}

export const DEFAULT_LIMITS: ResourceLimits = {
  eventBufferBytes: 16 * MiB,
  sseBufferBytes: 32 * MiB,
  sseClientBufferBytes: 4 * MiB,
  inflightBodyBytes: 32 * MiB,
  roleBodyBytes: {},
  principalBodyBytes: {},
  ratePerSecond: 200,
  rateBurst: 2000,
  rateLimiterKeys: 10_000,
  maxWaiters: 10_000,
  playgroundPolicyBytes: 256 * 1024,
  playgroundTimeoutMs: 2000,
  playgroundQueue: 8,
};

type IntReader = (names: string[], fallback: number, min: number, max: number) => number;
type Getter = (...names: string[]) => string | undefined;

const ROLES: readonly Role[] = ['agent', 'approver', 'admin'];

/** Reads the FARAMESH_* limit variables; problems are collected like every other variable's. */
export function resolveLimits(get: Getter, int: IntReader, problems: string[]): ResourceLimits {
  const d = DEFAULT_LIMITS;
  const GiB = 1024 * MiB;
  const roleBodyBytes: Partial<Record<Role, number>> = {};
  for (const [name, bytes] of Object.entries(sizeMap('FARAMESH_ROLE_MAX_BODY_BYTES', get, problems))) {
    if ((ROLES as readonly string[]).includes(name)) roleBodyBytes[name as Role] = bytes;
    else problems.push(`FARAMESH_ROLE_MAX_BODY_BYTES: "${name}" is not a role (agent, approver or admin)`);
  }
  return {
    eventBufferBytes: int(['FARAMESH_EVENT_BUFFER_BYTES'], d.eventBufferBytes, 0, 4 * GiB),
    sseBufferBytes: int(['FARAMESH_SSE_BUFFER_BYTES'], d.sseBufferBytes, 64 * 1024, 4 * GiB),
    sseClientBufferBytes: int(['FARAMESH_SSE_CLIENT_BUFFER_BYTES'], d.sseClientBufferBytes, 64 * 1024, GiB),
    inflightBodyBytes: int(['FARAMESH_MAX_INFLIGHT_BYTES'], d.inflightBodyBytes, 64 * 1024, 4 * GiB),
    roleBodyBytes,
    principalBodyBytes: sizeMap('FARAMESH_PRINCIPAL_MAX_BODY_BYTES', get, problems),
    ratePerSecond: int(['FARAMESH_RATE_LIMIT'], d.ratePerSecond, 0, 1_000_000),
    rateBurst: int(['FARAMESH_RATE_BURST'], d.rateBurst, 1, 100_000_000),
    rateLimiterKeys: d.rateLimiterKeys,
    maxWaiters: int(['FARAMESH_MAX_WAITERS'], d.maxWaiters, 1, 1_000_000),
    playgroundPolicyBytes: int(['FARAMESH_PLAYGROUND_MAX_POLICY_BYTES'], d.playgroundPolicyBytes, 1024, 64 * MiB),
    playgroundTimeoutMs: int(['FARAMESH_PLAYGROUND_TIMEOUT_MS'], d.playgroundTimeoutMs, 100, 600_000),
    playgroundQueue: d.playgroundQueue,
  };
}

/** `name:bytes,name:bytes` → { name: bytes }. */
function sizeMap(variable: string, get: Getter, problems: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of (get(variable) ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const at = trimmed.lastIndexOf(':');
    const name = trimmed.slice(0, at);
    const bytes = Number(trimmed.slice(at + 1));
    if (at <= 0 || !Number.isInteger(bytes) || bytes < 1024) {
      problems.push(`${variable}: "${trimmed}" must look like name:bytes with bytes >= 1024`);
      continue;
    }
    out[name] = bytes;
  }
  return out;
}
