import type { ReviewList } from '@faramesh/contract';
import type { ActionRecord } from '@faramesh/store';
import { safeText } from '../output/safe-text.js';
import type { Check } from './doctor.js';
import { type DoctorStoreConfig, readDoctorStore } from './doctor-store.js';

/** Shown in full up to this many; beyond, a count. */
const SHOWN = 20;

/** One break-glass approval waiting for its review, from the database or from the server. */
export interface OpenReview {
  id: string;
  tool: string;
  operation: string;
  by: string;
  at: string;
  reason: string;
}

/** Break-glass approvals whose review is still open, or null when the database can't say (missing, not migrated). */
export async function openBreakGlassReviews(config: DoctorStoreConfig): Promise<OpenReview[] | null> {
  const open = await readDoctorStore(config, (store) => store.listBreakGlass({ review: 'open', limit: SHOWN + 1 }));
  return open === null ? null : open.map(fromRecord);
}

/**
 * The same from a running server (`GET /v1/reviews`), for when the database isn't at hand here (a
 * server on another machine, PostgreSQL without its URL): null when it can't say (an agent's token).
 */
export async function serverBreakGlassReviews(list: () => Promise<ReviewList>): Promise<OpenReview[] | null> {
  try {
    return (await list()).items.map((review) => ({
      id: review.action_id,
      tool: review.action.tool,
      operation: review.action.operation,
      by: review.opened_by,
      at: review.opened_at,
      reason: review.reason,
    }));
  } catch {
    return null;
  }
}

function fromRecord(action: ActionRecord): OpenReview {
  const glass = action.approval?.break_glass;
  return {
    id: action.id,
    tool: action.tool,
    operation: action.operation,
    by: glass?.by ?? '?',
    at: glass?.at ?? '?',
    reason: glass?.reason ?? '',
  };
}

/**
 * A failing check while any break-glass approval waits for its mandatory review: someone approved
 * past the approvers, and nobody else has looked yet. Nothing to say when there are none.
 */
export function breakGlassReviewsCheck(open: OpenReview[] | null): Check | null {
  if (open === null || open.length === 0) return null;
  const count = open.length > SHOWN ? `more than ${SHOWN}` : String(open.length);
  return {
    name: 'reviews',
    status: 'fail',
    message: `${count} break-glass approval(s) not reviewed yet: another approver must acknowledge each (faramesh reviews list, faramesh reviews ack ID)`,
    // The reason is a person's words (from the database or a server): shown marked, on one line.
    details: open
      .slice(0, SHOWN)
      .map((review) =>
        safeText(
          `${review.id} ${review.tool} ${review.operation}: broken by ${review.by} at ${review.at} (${review.reason})`,
        ),
      ),
  };
}
