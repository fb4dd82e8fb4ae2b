import type { SessionRecord } from '@faramesh/store';
import type { SessionSettings } from '../config/oidc-config.js';

type Timeouts = Pick<SessionSettings, 'idleSeconds' | 'maxAgeSeconds'>;
type Times = Pick<SessionRecord, 'created_at' | 'last_seen_at' | 'expires_at' | 'idle_expires_at'>;

/**
 * The timing rules of a dashboard session, pure (time is a parameter). A session ends at the
 * earlier of its absolute end (login + max age) and its idle end (last activity + idle timeout);
 * `idle_expires_at` is kept clamped to the absolute end, so it alone says when a session is over.
 */
export function openingTimes(now: Date, timeouts: Timeouts): Times {
  const at = now.getTime();
  const expires = at + timeouts.maxAgeSeconds * 1000;
  return {
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(expires).toISOString(),
    idle_expires_at: new Date(Math.min(expires, at + timeouts.idleSeconds * 1000)).toISOString(),
  };
}

/** True while neither the idle nor the absolute end has passed. */
export function isLive(session: Pick<Times, 'expires_at' | 'idle_expires_at'>, now: Date): boolean {
  const at = now.getTime();
  return at < Date.parse(session.idle_expires_at) && at < Date.parse(session.expires_at);
}

/**
 * The activity to record for a request at `now`, or null when the last record is recent enough:
 * at most once per minute (or per tenth of the idle timeout, if shorter), so a busy dashboard
 * doesn't write on every request and the idle end is still accurate to that step.
 */
export function activityDue(
  session: Pick<Times, 'last_seen_at' | 'expires_at'>,
  now: Date,
  timeouts: Pick<Timeouts, 'idleSeconds'>,
): Pick<Times, 'last_seen_at' | 'idle_expires_at'> | null {
  const at = now.getTime();
  const stepMs = Math.min(60, timeouts.idleSeconds / 10) * 1000;
  if (at - Date.parse(session.last_seen_at) < stepMs) return null;
  const idleEnd = Math.min(Date.parse(session.expires_at), at + timeouts.idleSeconds * 1000);
  return { last_seen_at: now.toISOString(), idle_expires_at: new Date(idleEnd).toISOString() };
}
