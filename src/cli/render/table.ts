/** A plain text table whose cells may carry ANSI colors. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}

export function renderTable(headers: string[], rows: string[][], style: { header: (s: string) => string } = { header: (s) => s }): string {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const pad = (cell: string, i: number) => cell + ' '.repeat(Math.max(0, widths[i]! - visibleLength(cell)));
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  return [style.header(line(headers)), ...rows.map(line)].join('\n');
}
