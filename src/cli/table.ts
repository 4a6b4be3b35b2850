// The CLI's tables: a header row and aligned columns, every cell made terminal-safe on one line, so a value from
// the server can neither drive the terminal nor start a row of its own.
import { terminalSafe } from "../printable.js";

/** Columns padded to their widest cell, two spaces apart; no trailing blanks. */
export function table(header: string[], rows: unknown[][]): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => terminalSafe(cell ?? "")))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return (
    cells
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}
