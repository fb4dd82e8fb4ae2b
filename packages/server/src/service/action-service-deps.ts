import type { Store } from '@faramesh/store';
import type { Metrics } from '../metrics/metrics.js';
import type { Notifications } from '../notify/notifications.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import type { RedactionKey } from '../redaction/redaction-key.js';
import type { ShadowPolicy } from '../shadow/shadow-policy.js';
import type { EventHub } from '../stream/event-hub.js';
import type { GrantLookup } from './grant-lookup.js';

/** What the action lifecycle is built from; every step of it (submission, execution, cancel, expiry) takes these. */
export interface ActionServiceDeps {
  store: Store;
  policy: PolicyHolder;
  hub: EventHub;
  metrics: Metrics;
  now: () => Date;
  newId: () => string;
  approvalTtlSeconds: number;
  /** How long an approval stays valid for starting execution; 0 = never lapses. */
  approvedTtlSeconds: number;
  /** Queues the notifications each write causes, in the write's transaction (absent: none). */
  notifications?: Notifications;
  /** The candidate policy evaluated beside the active one; its disagreements are stored with the action. */
  shadow?: ShadowPolicy;
  /** Digests values at the policy's `redact` paths before anything is stored (absent: no key). */
  redactionKey?: RedactionKey | null;
  /** Standing grants that may allow a call the policy sends to approval (absent: none). */
  grants?: GrantLookup;
}
