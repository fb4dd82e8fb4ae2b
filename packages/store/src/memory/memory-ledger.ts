import type { AuditedEvent, LedgerStore, StoredCheckpoint } from '../ledger-store.js';
import type { ActionRecord, EventRecord } from '../store.js';

/** What the memory ledger reads: the store's own maps, never copies of them. */
export interface MemoryLedgerState {
  actions: ReadonlyMap<string, ActionRecord>;
  eventsByAction: ReadonlyMap<string, readonly EventRecord[]>;
  /** Index = seq - 1: nothing can delete from a memory ledger, so seqs are dense. */
  ledger: readonly EventRecord[];
  open(): void;
}

const audited = (event: EventRecord): AuditedEvent => ({
  seq: event.seq,
  action_id: event.action_id,
  event_type: event.event_type,
  hash: event.hash,
  prev_hash: event.prev_hash,
  event: structuredClone(event),
  stored: null,
});

/** `store.ledger` for the memory store. */
export function createMemoryLedger(state: MemoryLedgerState): LedgerStore {
  const checkpoints: StoredCheckpoint[] = [];
  const bySeqThenId = (a: StoredCheckpoint, b: StoredCheckpoint) => a.seq - b.seq || a.id - b.id;
  const at = (seqs: readonly number[]) =>
    [...new Set(seqs)]
      .sort((a, b) => a - b)
      .flatMap((seq) => {
        const event = state.ledger[seq - 1];
        return event === undefined ? [] : [event];
      });
  const auditedAction = (action: ActionRecord) => ({
    id: action.id,
    action: structuredClone(action),
    event_seqs: (state.eventsByAction.get(action.id) ?? []).map((event) => event.seq),
  });
  const tip = () => {
    const last = state.ledger.at(-1);
    return last === undefined ? null : { seq: last.seq, hash: last.hash };
  };

  return {
    async state() {
      state.open();
      const newest = tip();
      return { high_water: newest ?? { seq: 0, hash: '0'.repeat(64) }, newest, oldest_seq: newest ? 1 : null };
    },
    async count() {
      state.open();
      return { events: state.ledger.length, actions: state.actions.size };
    },
    async actionsAfter(afterId, limit) {
      state.open();
      return [...state.actions.keys()]
        .filter((id) => id > afterId)
        .sort()
        .slice(0, Math.max(0, limit))
        .map((id) => auditedAction(state.actions.get(id)!));
    },
    async seqLists(ids) {
      state.open();
      return [...new Set(ids)].sort().flatMap((id) => {
        const action = state.actions.get(id);
        return action ? [{ id, event_seqs: auditedAction(action).event_seqs }] : [];
      });
    },
    async events(afterSeq, limit) {
      state.open();
      return state.ledger.slice(Math.max(0, afterSeq), Math.max(0, afterSeq) + Math.max(0, limit)).map(audited);
    },
    async eventsAt(seqs) {
      state.open();
      return at(seqs).map(audited);
    },
    async eventKeys(seqs) {
      state.open();
      return at(seqs).map(({ seq, action_id, event_type, hash }) => ({ seq, action_id, event_type, hash }));
    },
    async addCheckpoint(checkpoint) {
      state.open();
      const stored = { id: checkpoints.length + 1, ...checkpoint };
      checkpoints.push(stored);
      return { ...stored };
    },
    async checkpoints(after, limit) {
      state.open();
      return [...checkpoints]
        .sort(bySeqThenId)
        .filter((c) => after === null || c.seq > after.seq || (c.seq === after.seq && c.id > after.id))
        .slice(0, Math.max(0, limit))
        .map((c) => ({ ...c }));
    },
    async latestCheckpoint() {
      state.open();
      const latest = [...checkpoints].sort(bySeqThenId).at(-1);
      return latest ? { ...latest } : null;
    },
  };
}
