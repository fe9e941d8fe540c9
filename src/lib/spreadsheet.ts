/**
 * Spreadsheet formula injection (CSV/formula injection): a cell whose text begins with = + - @ (or a tab or carriage
 * return, which some spreadsheets skip before reading a formula) is run as a formula when a clerk opens the export —
 * a person's name or an uploaded field could then call out or read other cells. Every CSV and .xlsx the project writes
 * passes its text cells through here: such a text gets a leading apostrophe, which spreadsheets take as "this is
 * text" (OWASP's advice). A plain number such as -12.50 is left alone: it cannot be a formula.
 *
 * The browser's CSV export (src/web/lib/spreadsheet.ts) has its own copy of the rule (the web app does not import src/lib).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}
