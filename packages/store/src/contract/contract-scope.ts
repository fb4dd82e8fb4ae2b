import type { CreateActionResult, EventRecord, NewAction, Store } from '../store.js';
import type { OpenedStore, StoreCapabilities } from './fixtures.js';

/** What every part of the contract suite shares: the adapter under test and a few helpers. */
export interface ContractScope {
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** The store of the current test (tests that reopen replace it). */
  store: Store;
  opened: OpenedStore | undefined;
  /** The adapter's factory for a fresh, empty store. */
  open(): Promise<OpenedStore>;
  /** A fresh store, migrated. */
  fresh(): Promise<Store>;
  /** Creates a sample action (with `created` and `decision_made` events unless types are given). */
  create(overrides?: Partial<NewAction>, ...types: string[]): Promise<CreateActionResult>;
  /** The whole ledger, in order. */
  allEvents(): Promise<EventRecord[]>;
}
