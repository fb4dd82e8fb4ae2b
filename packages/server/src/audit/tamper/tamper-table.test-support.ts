import type { LedgerProblemKind } from '@faramesh/contract';
import {
  appliesTo,
  expectedKinds,
  SETUPS,
  type Setup,
  TAMPER_CASES,
  type TamperCase,
} from './tamper-cases.test-support.js';
import type { Dialect } from './tamper-db.test-support.js';

const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

function cell(c: TamperCase, setup: Setup): string {
  const dialects = DIALECTS.filter((d) => appliesTo(c, d, setup));
  if (dialects.length === 0) return '—';
  const show = (kinds: LedgerProblemKind[]) =>
    kinds.length === 0 ? '**not detected**' : kinds.map((k) => `\`${k}\``).join(', ');
  const first = expectedKinds(c, dialects[0]!, setup);
  const differs = dialects.slice(1).filter((d) => expectedKinds(c, d, setup).join() !== first.join());
  if (differs.length === 0) return show(first);
  return dialects
    .map((d) => `${d === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${show(expectedKinds(c, d, setup))}`)
    .join('<br>');
}

function tally(dialect: Dialect, setup: Setup): string {
  const cases = TAMPER_CASES.filter((c) => appliesTo(c, dialect, setup));
  const caught = cases.filter((c) => expectedKinds(c, dialect, setup).length > 0).length;
  return `${caught} of ${cases.length}`;
}

/** The "case → caught by" table of docs/ledger-verification.md, generated from TAMPER_CASES. */
export function renderTamperTable(): string {
  const lines = [
    '| # | Tampering (on the database, behind the server) | No key, no checkpoint | Key + signed checkpoint (database and file) | Notes |',
    '|---|---|---|---|---|',
    ...TAMPER_CASES.map((c, i) => {
      const where = c.only === undefined ? '' : `${c.only === 'sqlite' ? 'SQLite' : 'PostgreSQL'} only. `;
      return `| ${i + 1} | ${c.name} | ${cell(c, 'plain')} | ${cell(c, 'signed')} | ${where}${c.note ?? ''} |`;
    }),
    '',
    '| Caught | No key, no checkpoint | Key + signed checkpoint (database and file) |',
    '|---|---|---|',
    ...DIALECTS.map(
      (d) => `| ${d === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${SETUPS.map((s) => tally(d, s)).join(' | ')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
