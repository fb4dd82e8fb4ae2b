import type { LedgerArchiveState } from '@faramesh/contract';

/** What verification of an archived ledger could not detect, given how its archives are signed. */
export function archiveLimitations(state: Omit<LedgerArchiveState, 'retained_events'> | null): string[] {
  if (state === null) return [];
  const out = [
    `Seqs 1–${state.last_seq} were archived: their events are checked in the segment files (faramesh audit verify --segment FILE), not here.`,
  ];
  if (state.signed < state.archives) {
    out.push(
      'Not every archive record is signed by the configured key: someone who can write the database could have removed the oldest events and recorded them as archived; check the segments and their signatures.',
    );
  }
  return out;
}
