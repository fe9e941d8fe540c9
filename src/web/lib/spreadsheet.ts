// Without the DOM, so that the server's tests can check the browser's rule too.

/**
 * A text a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading apostrophe; a plain number is
 * left alone. The server's exports follow the same rule (src/lib/spreadsheet.ts).
 */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
}

/** One CSV field: defused, and quoted when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : typeof value === "number" ? String(value) : defuseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
