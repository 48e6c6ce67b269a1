// CSV helpers of the sample portal: writing the import report, and a
// TEMPORARY minimal reader used only while the SDK's parseUsersCsv is missing
// from the build (remove readUsersCsvFallback once it has landed everywhere).

/** One CSV cell: quoted when it holds a comma, quote, line break or leading/trailing space. */
export function csvCell(value) {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document (CRLF line ends, as spreadsheets expect) from rows of cells. */
export function toCsv(rows) {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

const FIELDS = [
  "id", "id_num", "first_name", "last_name", "card_num", "credential_key", "email", "phone", "pin",
  "access_effective", "access_expires", "enabled", "accesslevels",
];

/**
 * TEMPORARY fallback for `parseUsersCsv(text)`: header = field names, quoted cells,
 * spreadsheet row numbers (header row 1). Same result shape as the SDK function.
 */
export function readUsersCsvFallback(text) {
  const records = splitCsv(text.replace(/^\uFEFF/, ""));
  const out = { users: [], rows: [], issues: [] };
  if (!records.length) return out;
  const header = records[0].cells.map((h) => h.trim().toLowerCase());
  header.forEach((name, i) => {
    if (!FIELDS.includes(name)) out.issues.push({ row: 1, field: records[0].cells[i], code: "unknown_column", message: `Unknown column: ${records[0].cells[i]}` });
  });
  for (const { row, cells } of records.slice(1)) {
    if (cells.every((c) => !c.trim())) continue;
    const user = {};
    header.forEach((name, i) => {
      const value = (cells[i] ?? "").trim();
      if (!value || !FIELDS.includes(name)) return;
      user[name] = name === "accesslevels"
        ? value.split(";").map((v) => v.trim()).filter(Boolean).map((v) => (/^\d+$/.test(v) ? { id: Number(v) } : { name: v }))
        : value;
    });
    out.users.push(user);
    out.rows.push(row);
  }
  return out;
}

function splitCsv(text) {
  const records = [];
  let cells = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ",") { cells.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      records.push({ row: start, cells });
      cells = []; cell = ""; line++; start = line;
    } else cell += c;
  }
  if (cell || cells.length) { cells.push(cell); records.push({ row: start, cells }); }
  return records;
}
