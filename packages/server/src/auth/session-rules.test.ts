import { describe, expect, it } from 'vitest';
import { activityDue, isLive, openingTimes } from './session-rules.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const TIMEOUTS = { idleSeconds: 1800, maxAgeSeconds: 43_200 };

describe('session timing rules', () => {
  it('opens a session ending at the idle timeout, within the absolute one', () => {
    expect(openingTimes(T0, TIMEOUTS)).toEqual({
      created_at: T0.toISOString(),
      last_seen_at: T0.toISOString(),
      expires_at: at(43_200).toISOString(),
      idle_expires_at: at(1800).toISOString(),
    });
    expect(openingTimes(T0, { idleSeconds: 600, maxAgeSeconds: 300 }).idle_expires_at).toBe(at(300).toISOString());
  });

  it('ends an idle session at the idle timeout, not a moment later', () => {
    const session = openingTimes(T0, TIMEOUTS);
    expect(isLive(session, at(1799))).toBe(true);
    expect(isLive(session, at(1800))).toBe(false);
  });

  it('keeps an active session alive by moving its idle end', () => {
    let session = openingTimes(T0, TIMEOUTS);
    for (let t = 600; t <= 6000; t += 600) {
      expect(isLive(session, at(t))).toBe(true);
      const activity = activityDue(session, at(t), TIMEOUTS);
      expect(activity).not.toBeNull();
      session = { ...session, ...activity! };
    }
    expect(session.idle_expires_at).toBe(at(6000 + 1800).toISOString());
  });

  it('ends an active session at its absolute end however busy it is', () => {
    let session = openingTimes(T0, TIMEOUTS);
    for (let t = 60; t < 43_200; t += 60) session = { ...session, ...activityDue(session, at(t), TIMEOUTS)! };
    expect(session.idle_expires_at).toBe(at(43_200).toISOString());
    expect(isLive(session, at(43_199))).toBe(true);
    expect(isLive(session, at(43_200))).toBe(false);
  });

  it('records activity at most once a minute, or a tenth of a short idle timeout', () => {
    const session = openingTimes(T0, TIMEOUTS);
    expect(activityDue(session, at(59), TIMEOUTS)).toBeNull();
    expect(activityDue(session, at(60), TIMEOUTS)).toEqual({
      last_seen_at: at(60).toISOString(),
      idle_expires_at: at(1860).toISOString(),
    });
    const short = { idleSeconds: 100, maxAgeSeconds: 43_200 };
    expect(activityDue(openingTimes(T0, short), at(9), short)).toBeNull();
    expect(activityDue(openingTimes(T0, short), at(10), short)).not.toBeNull();
  });
});
