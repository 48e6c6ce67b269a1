// Writing the import report as CSV (reading CSV is the SDK's parseUsersCsv).

/** One CSV cell: quoted when it holds a comma, quote, line break or leading/trailing space. */
export function csvCell(value) {
  let text = value === undefined || value === null ? "" : String(value);
  // A cell starting like a formula is kept as text by spreadsheets (CSV injection).
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document (CRLF line ends, as spreadsheets expect) from rows of cells. */
export function toCsv(rows) {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
