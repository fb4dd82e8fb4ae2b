import type { ActionRecord } from '@faramesh/store';
import { safeText } from '../output/safe-text.js';
import type { Check } from './doctor.js';
import { type DoctorStoreConfig, readDoctorStore } from './doctor-store.js';

/** Shown in full up to this many; beyond, a count. */
const SHOWN = 20;

/** Break-glass approvals whose review is still open, or null when the database can't say (missing, not migrated). */
export async function openBreakGlassReviews(config: DoctorStoreConfig): Promise<ActionRecord[] | null> {
  return readDoctorStore(config, (store) => store.listBreakGlass({ review: 'open', limit: SHOWN + 1 }));
}

/**
 * A failing check while any break-glass approval waits for its mandatory review: someone approved
 * past the approvers, and nobody else has looked yet. Nothing to say when there are none.
 */
export function breakGlassReviewsCheck(open: ActionRecord[] | null): Check | null {
  if (open === null || open.length === 0) return null;
  const count = open.length > SHOWN ? `more than ${SHOWN}` : String(open.length);
  return {
    name: 'reviews',
    status: 'fail',
    message: `${count} break-glass approval(s) not reviewed yet: another approver must acknowledge each (faramesh reviews list, faramesh reviews ack ID)`,
    details: open.slice(0, SHOWN).map((action) => {
      const glass = action.approval?.break_glass;
      // Read straight from the database: the reason is a person's words, shown marked on one line.
      return safeText(
        `${action.id} ${action.tool} ${action.operation}: broken by ${glass?.by ?? '?'} at ${glass?.at ?? '?'} (${glass?.reason ?? ''})`,
      );
    }),
  };
}
