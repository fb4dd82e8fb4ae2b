import type { Review } from '@faramesh/contract';
import { Siren } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { canDecide, useMe, useSession } from '../auth/session-context.js';
import { type ActionUpdate, useActionUpdates, useLive } from '../live/live-context.js';
import { SafeText } from './safe-text.js';

/**
 * Break-glass approvals nobody has reviewed yet, above the actions list, until another approver
 * acknowledges each: re-read whenever the stream reports an approval or a review.
 */
export function OpenReviewsBanner({ onOpen }: { onOpen: (id: string) => void }) {
  const { api } = useSession();
  const me = useMe();
  const { epoch } = useLive();
  const [reviews, setReviews] = useState<Review[]>([]);
  const [tick, setTick] = useState(0);
  const allowed = canDecide(me);

  useEffect(() => {
    void tick;
    void epoch;
    if (!allowed) return;
    const controller = new AbortController();
    api.openReviews(controller.signal).then(
      (list) => setReviews(list.items),
      () => undefined,
    );
    return () => controller.abort();
  }, [api, allowed, tick, epoch]);

  useActionUpdates(
    useCallback(({ event, action }: ActionUpdate) => {
      const type = event?.event_type;
      if (type === 'approved' || type === 'break_glass_reviewed' || (type === undefined && action.break_glass)) {
        setTick((n) => n + 1);
      }
    }, []),
  );

  if (reviews.length === 0) return null;
  return (
    <section className="reviews-banner" aria-labelledby="reviews-banner-title" data-testid="open-reviews">
      <h2 id="reviews-banner-title">
        <Siren size={16} aria-hidden /> {reviews.length} break-glass approval{reviews.length === 1 ? '' : 's'} waiting
        for review
      </h2>
      <ul>
        {reviews.map((review) => (
          <li key={review.action_id}>
            <button type="button" className="link-button" onClick={() => onOpen(review.action_id)}>
              <SafeText text={`${review.action.tool} ${review.action.operation}`} />
            </button>{' '}
            by <SafeText text={review.opened_by} />: <SafeText text={review.reason} />
          </li>
        ))}
      </ul>
    </section>
  );
}
