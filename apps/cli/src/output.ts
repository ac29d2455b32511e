// Terminal output helpers: JSON for scripts, aligned columns for people. Columns are few and
// short, so a padEnd table is clearer here than another dependency.

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(headers: string[], rows: Array<Array<string | number | boolean | null>>): void {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? "" : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  process.stdout.write(`${[line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n")}\n`);
}

/** Parses a --conf style JSON object option, with an error that names the option. */
export function parseJsonObject(text: string | undefined, option: string): Record<string, never> | Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${option} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${option} must be a JSON object`);
  return value as Record<string, unknown>;
}
