import Table from 'cli-table3';

export interface TableOptions {
  /** Box-drawn table for a terminal; aligned plain columns otherwise (friendly to grep/awk). */
  boxed: boolean;
}

/** Renders rows under a header. Cells may contain ANSI colour; widths ignore it. */
export function renderTable(head: string[], rows: string[][], options: TableOptions): string {
  if (options.boxed) {
    const table = new Table({ head, style: { head: ['bold'], border: [] } });
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
