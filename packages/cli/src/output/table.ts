import Table from 'cli-table3';

export interface TableOptions {
  /** Box-drawn table for a terminal; aligned plain columns otherwise (friendly to grep/awk). */
  boxed: boolean;
  /** Bold header; off with NO_COLOR. */
  colour: boolean;
}

// No separator lines between rows, as the seed's tables show.
const NO_ROW_LINES = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** Renders rows under a header. Cells may contain ANSI colour; widths ignore it. */
export function renderTable(head: string[], rows: string[][], options: TableOptions): string {
  if (options.boxed) {
    const table = new Table({ head, chars: NO_ROW_LINES, style: { head: options.colour ? ['bold'] : [], border: [] } });
    table.push(...rows);
    return table.toString();
  }
  const widths = head.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}
