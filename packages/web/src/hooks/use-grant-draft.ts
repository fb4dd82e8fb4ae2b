import type { Action, GrantProposal, GrantRequest } from '@faramesh/contract';
import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../auth/session-context.js';

/** One param's constraint as the approver edits it: the proposed kind, or `equals` (the exact value). */
export interface ConstraintRow {
  key: string;
  proposedKind: string;
  kind: string;
  value: string;
}

export interface GrantDraft {
  enabled: boolean;
  setEnabled: (enabled: boolean) => void;
  proposal: GrantProposal | null;
  loadError: string | null;
  rows: ConstraintRow[];
  setRow: (index: number, row: ConstraintRow) => void;
  ttl: string;
  setTtl: (ttl: string) => void;
  uses: string;
  setUses: (uses: string) => void;
  highRisk: boolean;
  setHighRisk: (highRisk: boolean) => void;
  error: string | null;
  /** The grant to send with the approval: null when the option is off, `invalid` (with `error` set) when it can't be sent. */
  request: () => GrantRequest | null | 'invalid';
}

const DURATION = /^\d{1,9}[smhd]$/;

/** "Also allow similar calls": the server's proposed scope, as rows the approver can tighten, plus time and uses. */
export function useGrantDraft(action: Action | null): GrantDraft {
  const { api } = useSession();
  const [enabled, setEnabled] = useState(false);
  const [proposal, setProposal] = useState<GrantProposal | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [rows, setRows] = useState<ConstraintRow[]>([]);
  const [ttl, setTtl] = useState('1h');
  const [uses, setUses] = useState('');
  const [highRisk, setHighRisk] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = action?.id ?? null;
  const pending = action?.status === 'pending_approval';

  // Another action in the same drawer starts with the option off.
  useEffect(() => {
    void id;
    setEnabled(false);
    setProposal(null);
    setRows([]);
    setError(null);
    setLoadError(null);
  }, [id]);

  useEffect(() => {
    if (!enabled || id === null || !pending || proposal !== null) return;
    const abort = new AbortController();
    api.grantProposal(id, abort.signal).then(
      (loaded) => {
        setProposal(loaded);
        setRows(rowsOf(loaded.scope));
        setHighRisk(loaded.high_risk_required);
      },
      (caught: unknown) => {
        if (!abort.signal.aborted) setLoadError(caught instanceof Error ? caught.message : String(caught));
      },
    );
    return () => abort.abort();
  }, [api, enabled, id, pending, proposal]);

  const setRow = useCallback((index: number, row: ConstraintRow) => {
    setRows((current) => current.map((r, i) => (i === index ? row : r)));
  }, []);

  const request = useCallback((): GrantRequest | null | 'invalid' => {
    if (!enabled) return null;
    const fail = (message: string) => {
      setError(message);
      return 'invalid' as const;
    };
    if (proposal === null) return fail('The proposed scope has not loaded yet.');
    if (!DURATION.test(ttl.trim())) return fail('Say how long: a duration like 30m, 2h or 1d (required).');
    if (uses.trim() !== '' && !/^[1-9]\d{0,6}$/.test(uses.trim())) return fail('Uses must be a whole number from 1.');
    const params: Record<string, unknown> = {};
    for (const row of rows) {
      const constraint = constraintOf(row);
      if (constraint === null)
        return fail(`The value for ${row.key} can't be read (${row.kind === 'at_most' ? 'a number' : 'JSON'}).`);
      params[row.key] = constraint;
    }
    setError(null);
    return {
      scope: { ...proposal.scope, params },
      ttl: ttl.trim(),
      ...(uses.trim() !== '' && { max_uses: Number(uses.trim()) }),
      ...(highRisk && { high_risk: true }),
    };
  }, [enabled, highRisk, proposal, rows, ttl, uses]);

  return {
    enabled,
    setEnabled,
    proposal,
    loadError,
    rows,
    setRow,
    ttl,
    setTtl,
    uses,
    setUses,
    highRisk,
    setHighRisk,
    error,
    request,
  };
}

function rowsOf(scope: Record<string, unknown>): ConstraintRow[] {
  const params = (scope.params ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(params).map(([key, constraint]) => {
    const [kind, value] = Object.entries(constraint)[0] ?? ['equals', null];
    const text = kind === 'equals' ? JSON.stringify(value) : String(value);
    return { key, proposedKind: kind, kind, value: text };
  });
}

function constraintOf(row: ConstraintRow): Record<string, unknown> | null {
  switch (row.kind) {
    case 'at_most': {
      const n = Number(row.value);
      return row.value.trim() !== '' && Number.isFinite(n) ? { at_most: n } : null;
    }
    case 'equals':
      try {
        return { equals: JSON.parse(row.value) };
      } catch {
        return null;
      }
    default:
      return { [row.kind]: row.value };
  }
}
