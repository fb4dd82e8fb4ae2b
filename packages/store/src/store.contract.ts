/**
 * The behaviour every Store adapter must have. Each adapter's test file calls
 * `describeStoreContract` with a factory for a fresh, empty store; nothing here knows which
 * database is underneath. The parts live in `contract/`, one file per area.
 */
import { afterEach, describe } from 'vitest';
import { describeApprovalContract } from './contract/approval.contract.js';
import { describeArchiveContract } from './contract/archive.contract.js';
import type { ContractScope } from './contract/contract-scope.js';
import { newEvents, type OpenedStore, type StoreCapabilities, sampleAction } from './contract/fixtures.js';
import { describeGrantsContract } from './contract/grants.contract.js';
import { describeLedgerContract } from './contract/ledger.contract.js';
import { describeLedgerBookkeepingContract } from './contract/ledger-bookkeeping.contract.js';
import { describeLifecycleContract } from './contract/lifecycle.contract.js';
import { describeLimitsContract } from './contract/limits.contract.js';
import { describeOutboxContract } from './contract/outbox.contract.js';
import { describeReadsContract } from './contract/reads.contract.js';
import { describeSearchContract } from './contract/search.contract.js';
import { describeSessionsContract } from './contract/sessions.contract.js';
import { describeSettingsContract } from './contract/settings.contract.js';
import { describeShadowContract } from './contract/shadow.contract.js';
import { describeSlackMessagesContract } from './contract/slack-messages.contract.js';
import { describeTokensContract } from './contract/tokens.contract.js';
import { describeUsagePruneContract } from './contract/usage-prune.contract.js';
import { describeWritesContract } from './contract/writes.contract.js';
import type { Store } from './store.js';

export {
  expectStoreError,
  newEvents,
  nextTime,
  type OpenedStore,
  type StoreCapabilities,
  sampleAction,
} from './contract/fixtures.js';
export { describeLimitsContract, describeUsagePruneContract };

/** Every part of the contract, in the order they run. */
const ALL_PARTS: readonly ((scope: ContractScope) => void)[] = [
  describeWritesContract,
  describeLedgerContract,
  describeLedgerBookkeepingContract,
  describeReadsContract,
  describeLifecycleContract,
  describeSearchContract,
  describeTokensContract,
  describeSessionsContract,
  describeApprovalContract,
  describeOutboxContract,
  describeSlackMessagesContract,
  describeArchiveContract,
  describeShadowContract,
  describeSettingsContract,
  describeGrantsContract,
  describeLimitsContract,
  describeUsagePruneContract,
];

export function describeStoreContract(
  name: string,
  open: () => Promise<OpenedStore>,
  capabilities: StoreCapabilities = { durable: true },
  parts: readonly ((scope: ContractScope) => void)[] = ALL_PARTS,
): void {
  describe(`${name} store contract`, () => {
    const scope: ContractScope = {
      name,
      capabilities,
      store: undefined as unknown as Store,
      opened: undefined,
      open,
      async fresh() {
        scope.opened = await open();
        scope.store = scope.opened.store;
        await scope.store.migrate();
        return scope.store;
      },
      create: (overrides = {}, ...types) =>
        scope.store.createAction({
          action: sampleAction(overrides),
          events: newEvents(...(types.length > 0 ? types : ['created', 'decision_made'])),
        }),
      allEvents: () => scope.store.eventsAfter(0, 1_000_000),
    };

    afterEach(async () => {
      await scope.opened?.cleanup();
      scope.opened = undefined;
    });

    for (const part of parts) part(scope);
  });
}
