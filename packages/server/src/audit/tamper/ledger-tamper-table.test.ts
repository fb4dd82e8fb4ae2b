import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderTamperTable } from './tamper-table.test-support.js';

const DOC = new URL('../../../../../docs/ledger-verification.md', import.meta.url);
const START =
  '<!-- tamper-table:start (generated from tamper-cases.test-support.ts; FARAMESH_WRITE_DOCS=1 rewrites it) -->\n';
const END = '<!-- tamper-table:end -->';

/** Cell contents, line by line: Biome pads markdown tables, which doesn't change the table. */
const cells = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .map((line) => line.split('|').map((cell) => (/^\s*-+\s*$/.test(cell) ? '---' : cell.trim())));

it('keeps the tamper table of docs/ledger-verification.md equal to the tested cases', () => {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const table = renderTamperTable();
  if (process.env.FARAMESH_WRITE_DOCS === '1') {
    // Then `npx biome format --write docs/ledger-verification.md` aligns it.
    writeFileSync(DOC, `${doc.slice(0, start + START.length)}${table}${doc.slice(end)}`);
    return;
  }
  expect(cells(doc.slice(start + START.length, end))).toEqual(cells(table));
});
