import { canonicalObject } from '@faramesh/canonical';
import { flatText } from './flat-text.js';
import type { ActionRecord } from './store.js';

/** Canonical texts of an action's JSON members, as validation (ActionJson) or its stored row has them. */
export interface MemberTexts {
  params: string;
  context: string;
  matched_rule: string | null;
  approval: string | null;
}

/**
 * canonicalJson(snapshot) with its JSON members copied from `texts` (their canonical JSON, made once
 * when validating or building the row) instead of written again: what the ledger hashes is then the
 * very text stored in the action row. `texts` must be those of the snapshot's own members. The text
 * is flat (flat-text.ts): each event of the write hashes it.
 */
export function snapshotJson(snapshot: ActionRecord, texts: MemberTexts): string {
  const text = canonicalObject(snapshot as unknown as Record<string, unknown>, (key) => {
    switch (key) {
      case 'params':
        return texts.params;
      case 'context':
        return texts.context;
      case 'matched_rule':
        return texts.matched_rule ?? undefined;
      case 'approval':
        return texts.approval ?? undefined;
      default:
        return undefined;
    }
  });
  return flatText(text);
}
