/** A plain text table: columns padded to their widest cell; `style` colours a padded cell. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  style: (row: number, col: number, padded: string) => string = (_r, _c, s) => s,
): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[], row: number): string =>
    cells
      .map((cell, c) => {
        const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0);
        return row < 0 ? padded : style(row, c, padded);
      })
      .join('  ')
      .trimEnd();
  return [line(headers, -1), ...rows.map((r, i) => line(r, i))].join('\n');
}
