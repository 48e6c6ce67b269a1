//! CSV import of users from portal spreadsheets; `csv-core` (the `csv` crate's own parser,
//! without its io, serde and error layers) does the parsing.
//!
//! The import only shapes records (`validate_users` checks the values): one user object per
//! data row, with the row number a spreadsheet shows (header row 1, blank lines counted, a
//! cell spanning several lines counted once). Header names are the reference's field names,
//! matched case-insensitively after trimming, unless `columns` maps them. A UTF-8 BOM is
//! stripped; LF, CRLF and (in files without any LF) CR line ends work. Cells are trimmed and
//! empty cells are absent fields; rows with no values at all are skipped.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;

use crate::validate::input::push_uint;
use crate::validate::tape::{self, push_json_string};
use crate::validate::{shown, Users, USER_FIELDS};

/// Users read from a CSV text, with their row numbers and any problems with the text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Tsify)]
pub struct CsvImport {
    /// One user input object per data row, cells as text (`accesslevels` as a list).
    #[tsify(type = "UserInput[]")]
    pub users: Vec<Value>,
    /// The spreadsheet row number of each user (header is row 1).
    pub rows: Vec<usize>,
    /// Problems with the header or the rows, in row order.
    pub issues: Vec<CsvIssue>,
}

/// A problem with the CSV text itself (not with a field's value).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct CsvIssue {
    /// The spreadsheet row number (header is row 1).
    pub row: usize,
    /// The column's header as written, or `""` for the row as a whole.
    pub field: String,
    /// What is wrong, for programs.
    pub code: CsvIssueCode,
    /// What is wrong, for people.
    pub message: String,
}

/// Stable codes of CSV import issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum CsvIssueCode {
    /// A header that names (or is mapped to) no user field; the column is ignored.
    UnknownColumn,
    /// A second column for the same field; the later column is ignored.
    DuplicateColumn,
    /// No first_name, last_name or id_num column, so no row can name a user.
    MissingNameColumn,
    /// A row with fewer cells than the header, or extra non-empty cells (ignored).
    RaggedRow,
    /// Text the CSV reader could not read.
    Malformed,
}

impl CsvIssueCode {
    /// The code's name on the wire (`unknown_column`), as serde writes it.
    fn as_str(self) -> &'static str {
        match self {
            CsvIssueCode::UnknownColumn => "unknown_column",
            CsvIssueCode::DuplicateColumn => "duplicate_column",
            CsvIssueCode::MissingNameColumn => "missing_name_column",
            CsvIssueCode::RaggedRow => "ragged_row",
            CsvIssueCode::Malformed => "malformed",
        }
    }
}

/// Header name -> field name mappings (the `columns` option), as a list in any order: a map
/// would add a B-tree's code to the module. Of several mappings for one header, the one a
/// sorted map would list first wins.
pub type Columns = [(String, String)];

/// Users read from a CSV text onto the field tape (`validate::tape`): the form both the
/// JSON of `parseUsersCsv` and the validators read, with no intermediate JSON values.
pub struct CsvTape {
    /// The trimmed cells on the tape: one record per user, its cells as text in `USER_FIELDS`
    /// slots.
    pub tape: tape::TapeWriter,
    /// The spreadsheet row number of each user (header is row 1).
    pub rows: Vec<usize>,
    /// Problems with the header or the rows, in row order.
    pub issues: Vec<CsvIssue>,
}

/// Reads users from `text`; `columns` maps header names to field names (unmapped headers
/// keep their default meaning; a mapping to `""` ignores the column without an issue).
pub fn parse_users_csv(text: &str, columns: &BTreeMap<String, String>) -> CsvImport {
    let columns: Vec<(String, String)> = columns.iter().map(|(from, to)| (from.clone(), to.clone())).collect();
    let read = read_users_csv(text, &columns);
    let users = tape::inputs_json(&read.tape.text, &read.tape.pieces, USER_FIELDS).and_then(|json| serde_json::from_str(&json).map_err(|_| tape::TapeError));
    CsvImport { users: users.unwrap_or_default(), rows: read.rows, issues: read.issues }
}

/// `parseUsersCsv`'s answer as JSON text: `{ users, rows, issues }`.
pub fn parse_users_csv_json(text: &str, columns: &Columns) -> Result<String, tape::TapeError> {
    let read = read_users_csv(text, columns);
    let mut out = String::from("{\"users\":");
    out.push_str(&tape::inputs_json(&read.tape.text, &read.tape.pieces, USER_FIELDS)?);
    read.push_rows_and_issues(&mut out);
    Ok(out)
}

/// `validateUsersCsv`'s answer as JSON text: the validation report of the users read from
/// `text` (the valid ones in the wire form, the invalid ones as read) plus `rows` and `issues`.
pub fn validate_users_csv_json(text: &str, columns: &Columns) -> Result<String, tape::TapeError> {
    let read = read_users_csv(text, columns);
    let mut out = tape::validate_to_json::<Users>(&read.tape.text, &read.tape.pieces, read.rows.len())?;
    out.pop(); // the report's closing brace
    read.push_rows_and_issues(&mut out);
    Ok(out)
}

/// Reads the CSV `text` onto the field tape; `columns` as in [`parse_users_csv`].
pub fn read_users_csv(text: &str, columns: &Columns) -> CsvTape {
    let text = line_ends(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut reader = Records::new(text.as_bytes());
    let mut out = CsvTape { tape: tape::TapeWriter { text: String::with_capacity(text.len()), pieces: Vec::with_capacity(text.len() / 4) }, rows: Vec::new(), issues: Vec::new() };
    let mut header: Option<Vec<Option<usize>>> = None;
    let mut rows = Rows { text: text.as_bytes(), at: 0, line: 1, breaks_in_cells: 0 };
    while let Some(start) = reader.next() {
        let row = rows.row_at(start);
        let Some(record) = reader.record() else {
            out.issue(row, "", CsvIssueCode::Malformed, "Could not read CSV: invalid UTF-8".to_owned());
            continue;
        };
        rows.breaks_in_cells += record.iter().map(|cell| cell.bytes().filter(|b| *b == b'\n').count()).sum::<usize>();
        match &header {
            None => header = Some(out.read_header(row, &record, columns)),
            Some(slots) => out.read_row(row, &record, slots),
        }
    }
    if header.is_none() {
        out.issue(1, "", CsvIssueCode::MissingNameColumn, "No header row".to_owned());
    }
    out
}

impl CsvTape {
    /// Records an issue.
    fn issue(&mut self, row: usize, field: &str, code: CsvIssueCode, message: String) {
        self.issues.push(CsvIssue { row, field: field.to_owned(), code, message });
    }

    /// The user field slot of each column, reporting unknown and repeated columns.
    fn read_header(&mut self, row: usize, header: &Record, columns: &Columns) -> Vec<Option<usize>> {
        let mut slots: Vec<Option<usize>> = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            let slot = self.column_slot(row, i, name, columns);
            if slot.is_some() && slots.contains(&slot) {
                let field = slot.map_or("", |s| USER_FIELDS[s]);
                let message = format!("Column {} repeats field {field}; ignored", shown(name));
                self.issue(row, &shown(name), CsvIssueCode::DuplicateColumn, message);
                slots.push(None);
            } else {
                slots.push(slot);
            }
        }
        if !["first_name", "last_name", "id_num"].iter().any(|f| slots.iter().flatten().any(|s| USER_FIELDS[*s] == *f)) {
            let message = "No first_name, last_name or id_num column".to_owned();
            self.issue(row, "", CsvIssueCode::MissingNameColumn, message);
        }
        slots
    }

    /// The slot of the field column `i` (headed `name`) holds, if any.
    fn column_slot(&mut self, row: usize, i: usize, name: &str, columns: &Columns) -> Option<usize> {
        // Of several mappings for the header, the one a sorted map lists first.
        let mapped = columns.iter().filter(|(from, _)| from.trim().eq_ignore_ascii_case(name)).min_by(|a, b| a.0.cmp(&b.0)).map(|(_, to)| to.trim());
        let target = match mapped {
            Some("") => return None,
            Some(to) => to,
            None => name,
        };
        let slot = USER_FIELDS.iter().position(|f| f.eq_ignore_ascii_case(target));
        if slot.is_none() {
            let message = match (mapped, name.is_empty()) {
                (Some(to), _) => format!("Column {} maps to unknown field {}; ignored", shown(name), shown(to)),
                (None, true) => format!("Column {} has no header; ignored", i + 1),
                (None, false) => format!("Unknown column ignored: {}", shown(name)),
            };
            self.issue(row, &shown(name), CsvIssueCode::UnknownColumn, message);
        }
        slot
    }

    /// Adds the user of one data row, unless the row is blank.
    fn read_row(&mut self, row: usize, record: &Record, slots: &[Option<usize>]) {
        let extra_values = record.iter().skip(slots.len()).any(|cell| !cell.trim().is_empty());
        if record.len() < slots.len() || extra_values {
            let message = format!("Row has {} cells, the header has {}", record.len(), slots.len());
            self.issue(row, "", CsvIssueCode::RaggedRow, message);
        }
        let (start, text_start) = (self.tape.pieces.len(), self.tape.text.len());
        self.tape.piece(tape::RECORD, 0, 0);
        let mut count = 0;
        for (cell, slot) in record.iter().zip(slots) {
            let cell = cell.trim();
            if let (Some(slot), false) = (*slot, cell.is_empty()) {
                count += 1;
                if USER_FIELDS[slot] == "accesslevels" {
                    self.access_levels(slot, cell);
                } else {
                    self.tape.text(tape::TEXT, slot, cell);
                }
            }
        }
        if count == 0 {
            self.tape.pieces.truncate(start);
            self.tape.text.truncate(text_start);
        } else {
            self.tape.pieces[start + 1] = count;
            self.rows.push(row);
        }
    }

    /// `ids;or;names` as `[{id}, {name}]`; digit parts that overflow an id stay text for the
    /// validator to reject.
    fn access_levels(&mut self, slot: usize, cell: &str) {
        let start = self.tape.pieces.len();
        self.tape.piece(tape::LEVELS, slot, 0);
        let mut count = 0;
        for part in cell.split(';').map(str::trim).filter(|part| !part.is_empty()) {
            count += 1;
            self.tape.piece(tape::LEVEL, 0, 1);
            let digits = part.bytes().all(|b| b.is_ascii_digit());
            match (digits, part.parse::<u64>()) {
                (true, Ok(_)) => {
                    self.tape.piece(tape::LEVEL_ID, 0, 0);
                    // The number as JS writes it: no leading zeros.
                    let trimmed = part.trim_start_matches('0');
                    self.tape.text(tape::NUMBER, 0, if trimmed.is_empty() { "0" } else { trimmed });
                }
                (true, Err(_)) => {
                    self.tape.piece(tape::LEVEL_ID, 0, 0);
                    self.tape.text(tape::TEXT, 0, part);
                }
                (false, _) => {
                    self.tape.piece(tape::LEVEL_NAME, 0, 0);
                    self.tape.text(tape::TEXT, 0, part);
                }
            }
        }
        self.tape.pieces[start + 1] = count;
    }

    /// `,"rows":[...],"issues":[...]}`: by hand, as the report's records are, so that the
    /// validators' module holds no serde_json (the values are those serde writes; tested).
    fn push_rows_and_issues(&self, out: &mut String) {
        out.push_str(",\"rows\":[");
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_uint(out, *row as u64);
        }
        out.push_str("],\"issues\":[");
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"row\":");
            push_uint(out, issue.row as u64);
            out.push_str(",\"field\":");
            push_json_string(out, &issue.field);
            out.push_str(",\"code\":\"");
            out.push_str(issue.code.as_str());
            out.push_str("\",\"message\":");
            push_json_string(out, &issue.message);
            out.push('}');
        }
        out.push_str("]}");
    }
}

/// The records of a CSV text, read as the `csv` crate reads them (its defaults: `,`, `"`
/// doubled to escape, any of CR, LF and CRLF ending a record, a UTF-8 BOM skipped, blank lines
/// skipped, rows of any length).
struct Records<'t> {
    core: csv_core::Reader,
    input: &'t [u8],
    /// Bytes read so far.
    at: usize,
    /// The cells of the last record, back to back, and where each ends (buffers reused from
    /// record to record: the first `cells_len` bytes and `ends_len` ends are the record's).
    cells: Vec<u8>,
    ends: Vec<usize>,
    cells_len: usize,
    ends_len: usize,
}

impl<'t> Records<'t> {
    fn new(input: &'t [u8]) -> Self {
        Records { core: csv_core::Reader::new(), input, at: 0, cells: vec![0; 1024], ends: vec![0; 32], cells_len: 0, ends_len: 0 }
    }

    /// Reads the next record; returns the byte offset it was read from (as the `csv` crate
    /// reports a record's position), or `None` at the end.
    fn next(&mut self) -> Option<usize> {
        use csv_core::ReadRecordResult::*;
        let start = self.at;
        let (mut out, mut end) = (0, 0);
        loop {
            let input = self.input.get(self.at..).unwrap_or_default();
            let cells = self.cells.get_mut(out..).unwrap_or_default();
            let ends = self.ends.get_mut(end..).unwrap_or_default();
            let (result, read, written, ended) = self.core.read_record(input, cells, ends);
            self.at += read;
            out += written;
            end += ended;
            match result {
                // The whole text is given at once: the next call, with no input, ends the text.
                InputEmpty => {}
                OutputFull => self.cells.resize(self.cells.len() * 2, 0),
                OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Record => {
                    (self.cells_len, self.ends_len) = (out, end);
                    return Some(start);
                }
                End => return None,
            }
        }
    }

    /// The cells of the record last read, or `None` if they are not UTF-8 (they always are:
    /// the cells of UTF-8 text, cut and unquoted at ASCII bytes).
    fn record(&self) -> Option<Record<'_>> {
        let text = std::str::from_utf8(self.cells.get(..self.cells_len)?).ok()?;
        Some(Record { text, ends: self.ends.get(..self.ends_len)? })
    }
}

/// One record's cells.
struct Record<'r> {
    text: &'r str,
    ends: &'r [usize],
}

impl<'r> Record<'r> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = &'r str> + '_ {
        let text = self.text;
        self.ends.iter().scan(0, move |from, &end| {
            let cell = text.get(*from..end).unwrap_or_default();
            *from = end;
            Some(cell)
        })
    }
}

/// Spreadsheet row numbers from the byte offsets the CSV reader reports.
struct Rows<'t> {
    /// The text being read.
    text: &'t [u8],
    /// Where the last record started.
    at: usize,
    /// The line (1-based) at `at`.
    line: usize,
    /// Line breaks inside the cells of the records read so far.
    breaks_in_cells: usize,
}

impl Rows<'_> {
    /// The row of the record the reader reports at `byte` (which may point at the line end
    /// before it, so line ends are skipped first); offsets only grow.
    fn row_at(&mut self, byte: usize) -> usize {
        let from = byte.max(self.at);
        let rest = self.text.get(from..).unwrap_or_default();
        let start = from + rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let passed = self.text.get(self.at..start).unwrap_or_default();
        self.line += passed.iter().filter(|b| **b == b'\n').count();
        self.at = start;
        self.line.saturating_sub(self.breaks_in_cells)
    }
}

/// The text with CR line ends turned into LF when it has no LF at all (old Mac files), so
/// that line numbers count.
fn line_ends(text: &str) -> Cow<'_, str> {
    if text.contains('\r') && !text.contains('\n') {
        Cow::Owned(text.replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate_users;
    use serde_json::json;

    fn parse(text: &str) -> CsvImport {
        parse_users_csv(text, &BTreeMap::new())
    }

    fn codes(import: &CsvImport) -> Vec<(usize, &str, CsvIssueCode)> {
        import.issues.iter().map(|i| (i.row, i.field.as_str(), i.code)).collect()
    }

    #[test]
    fn reads_the_reference_fields_with_rows() {
        let text = "id,id_num,first_name,last_name,card_num,email,enabled,accesslevels\n\
                    4432,ABC123,Toby,Peters,8769,toby.peters@web.place,true,123;789\n\
                    ,DEF567,Dana,Wilson,8770,dana.wilson@web.place,,Staff; 5 ;\n";
        let import = parse(text);
        assert!(import.issues.is_empty(), "{:?}", import.issues);
        assert_eq!(import.rows, [2, 3]);
        assert_eq!(
            import.users[0],
            json!({"id": "4432", "id_num": "ABC123", "first_name": "Toby", "last_name": "Peters",
            "card_num": "8769", "email": "toby.peters@web.place", "enabled": "true", "accesslevels": [{"id": 123}, {"id": 789}]})
        );
        assert_eq!(
            import.users[1],
            json!({"id_num": "DEF567", "first_name": "Dana", "last_name": "Wilson",
            "card_num": "8770", "email": "dana.wilson@web.place", "accesslevels": [{"name": "Staff"}, {"id": 5}]})
        );
        let v = validate_users(&import.users);
        assert_eq!(v.valid.len(), 2, "{:?}", v.invalid);
    }

    #[test]
    fn headers_match_case_insensitively_after_trimming() {
        let import = parse(" First_Name ,LAST_NAME\nToby,Peters\n");
        assert_eq!(import.users, [json!({"first_name": "Toby", "last_name": "Peters"})]);
    }

    #[test]
    fn quoted_fields_with_commas_quotes_and_line_breaks() {
        let text = "first_name,last_name,credential_key\n\"Peters, Toby\",\"O\"\"Brien\",\"line one\nline two\"\nDana,Wilson,k\n";
        let import = parse(text);
        assert_eq!(import.users[0]["first_name"], "Peters, Toby");
        assert_eq!(import.users[0]["last_name"], "O\"Brien");
        assert_eq!(import.users[0]["credential_key"], "line one\nline two");
        assert_eq!(import.rows, [2, 3], "a cell over two lines is one spreadsheet row");
    }

    #[test]
    fn bom_and_crlf() {
        let import = parse("\u{feff}first_name,card_num\r\nToby,8769\r\n\"Da\r\nna\",1\r\nEve,2\r\n");
        assert!(import.issues.is_empty(), "{:?}", import.issues);
        assert_eq!(import.users[0], json!({"first_name": "Toby", "card_num": "8769"}));
        assert_eq!(import.rows, [2, 3, 4]);
    }

    #[test]
    fn cr_only_line_ends() {
        let import = parse("first_name\rToby\rDana");
        assert_eq!(import.rows, [2, 3]);
    }

    #[test]
    fn blank_lines_and_blank_rows_are_skipped_but_counted() {
        let import = parse("first_name,last_name\n\nToby,Peters\n,\n  ,  \nDana,Wilson\n\n");
        assert!(import.issues.is_empty(), "{:?}", import.issues);
        assert_eq!(import.rows, [3, 6]);
    }

    #[test]
    fn empty_cells_are_absent_fields() {
        let import = parse("first_name,email,pin\nToby,, \n");
        assert_eq!(import.users, [json!({"first_name": "Toby"})]);
    }

    #[test]
    fn ragged_rows_are_reported_and_kept() {
        let import = parse("first_name,last_name,pin\nToby\nDana,Wilson,1,extra\nEve,Doe,2,,\n");
        assert_eq!(codes(&import), [(2, "", CsvIssueCode::RaggedRow), (3, "", CsvIssueCode::RaggedRow)]);
        assert_eq!(import.issues[1].message, "Row has 4 cells, the header has 3");
        assert_eq!(import.users[0], json!({"first_name": "Toby"}));
        assert_eq!(import.users[1], json!({"first_name": "Dana", "last_name": "Wilson", "pin": "1"}));
        assert_eq!(import.rows, [2, 3, 4]);
    }

    #[test]
    fn unknown_duplicate_and_hostile_columns() {
        let import = parse("first_name,Nickname,__proto__,constructor,FIRST_NAME,\nToby,T,x,y,Tobias,z\n");
        let expected = [
            (1, "Nickname", CsvIssueCode::UnknownColumn),
            (1, "__proto__", CsvIssueCode::UnknownColumn),
            (1, "constructor", CsvIssueCode::UnknownColumn),
            (1, "FIRST_NAME", CsvIssueCode::DuplicateColumn),
            (1, "", CsvIssueCode::UnknownColumn),
        ];
        assert_eq!(codes(&import), expected);
        assert_eq!(import.issues[0].message, "Unknown column ignored: Nickname");
        assert_eq!(import.issues[4].message, "Column 6 has no header; ignored");
        assert_eq!(import.users, [json!({"first_name": "Toby"})]);
    }

    #[test]
    fn a_name_column_is_required() {
        let import = parse("email,card_num\na@b.c,1\n");
        assert_eq!(codes(&import), [(1, "", CsvIssueCode::MissingNameColumn)]);
        assert_eq!(import.users.len(), 1, "rows are still shaped; validate_users reports them");
        assert_eq!(codes(&parse("")), [(1, "", CsvIssueCode::MissingNameColumn)]);
    }

    #[test]
    fn column_mapping() {
        let columns: BTreeMap<String, String> = [("Given Name", "first_name"), ("surname", "LAST_NAME"), ("Badge", "card_num"), ("Notes", ""), ("Dept", "department")]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        let import = parse_users_csv("given name,Surname,badge,notes,dept,email\nToby,Peters,8769,n,d,t@w.p\n", &columns);
        assert_eq!(codes(&import), [(1, "dept", CsvIssueCode::UnknownColumn)]);
        assert_eq!(import.issues[0].message, "Column dept maps to unknown field department; ignored");
        assert_eq!(import.users, [json!({"first_name": "Toby", "last_name": "Peters", "card_num": "8769", "email": "t@w.p"})]);
    }

    #[test]
    fn of_several_mappings_for_a_header_the_first_in_sorted_order_wins() {
        let text = "name\nToby\n";
        // In byte order "NAME" < "Name" < "name ", whatever order the list gives them in.
        let mut pairs: Vec<(String, String)> = [("name ", "last_name"), ("NAME", "first_name"), ("Name", "id_num")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let map: BTreeMap<String, String> = pairs.iter().cloned().collect();
        assert_eq!(parse_users_csv(text, &map).users, [json!({"first_name": "Toby"})]);
        for _ in 0..2 {
            let answer: Value = serde_json::from_str(&parse_users_csv_json(text, &pairs).unwrap()).unwrap();
            assert_eq!(answer["users"], json!([{"first_name": "Toby"}]), "{pairs:?}");
            pairs.reverse();
        }
    }

    #[test]
    fn rows_and_issues_as_serde_writes_them() {
        let text = "first_name,Nick\"name,first_name,\nToby,\"T\\\\\",x\n\nDana\n";
        let read = read_users_csv(text, &[]);
        assert!(read.issues.len() >= 3, "{:?}", read.issues);
        let mut out = String::new();
        read.push_rows_and_issues(&mut out);
        let ours: Value = serde_json::from_str(&format!("{{\"x\":0{out}")).unwrap();
        assert_eq!(ours["rows"], serde_json::to_value(&read.rows).unwrap());
        assert_eq!(ours["issues"], serde_json::to_value(&read.issues).unwrap());
        for code in [CsvIssueCode::UnknownColumn, CsvIssueCode::DuplicateColumn, CsvIssueCode::MissingNameColumn, CsvIssueCode::RaggedRow, CsvIssueCode::Malformed] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn access_level_cells() {
        let import = parse("id_num,accesslevels\nA,12; Night shift ;;0;99999999999999999999\n");
        let levels = json!([{"id": 12}, {"name": "Night shift"}, {"id": 0}, {"id": "99999999999999999999"}]);
        assert_eq!(import.users[0]["accesslevels"], levels);
        assert_eq!(validate_users(&import.users).invalid[0].issues.len(), 2);
    }

    /// The reader splits and positions records exactly as the `csv` crate, which this import
    /// used before, with the options it had (no headers, rows of any length).
    #[test]
    fn records_as_the_csv_crate_reads_them() {
        let texts = [
            "",
            "a",
            "a,b\nc,d",
            "a,b\r\nc\r\n\r\n\r\nd,e,f\r\n",
            "a\rb\r\rc",
            "\u{feff}a,b\n1,2\n",
            "\u{feff}\u{feff}a\n",
            "a\u{feff},b\n",
            "\"a,b\",\"c\"\"d\"\n\"e\nf\",g\n",
            "\"unbalanced,x\ny,z\n",
            "a\"b,c\"\"d\"e\n",
            "\"a\"b,c\n",
            ",,\n,\n\n",
            "é,日本,🎉\n\"ü\nß\",x",
            "a,b\n\n\n",
            "\n\na\n",
            "\"\"\n\"\"\"\"\n",
            "\"a\r\nb\"\r\n\"c\"",
        ];
        for text in texts {
            let mut ours = Vec::new();
            let mut reader = Records::new(text.as_bytes());
            while let Some(start) = reader.next() {
                let record = reader.record().expect("UTF-8");
                ours.push((start as u64, record.iter().map(str::to_owned).collect::<Vec<_>>()));
            }
            let mut theirs = Vec::new();
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            let mut record = csv::StringRecord::new();
            while reader.read_record(&mut record).expect("csv reads it") {
                theirs.push((record.position().expect("a position").byte(), record.iter().map(str::to_owned).collect::<Vec<_>>()));
            }
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn unbalanced_quotes_do_not_panic() {
        let import = parse("first_name,last_name\n\"Toby,Peters\nDana,Wilson\n");
        assert_eq!(import.users.len(), 1);
        assert_eq!(import.rows, [2]);
    }
}

#[cfg(test)]
mod timing {
    /// Times the CSV path's steps natively, for profiling (`perf record` works on the test
    /// binary): `LOCKT_CSV=/tmp/users.csv cargo test --release --lib csv_timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn csv_timing() {
        let Ok(path) = std::env::var("LOCKT_CSV") else { return };
        let text = std::fs::read_to_string(path).unwrap();
        for _ in 0..3 {
            let start = std::time::Instant::now();
            let read = super::read_users_csv(&text, &[]);
            let read_at = start.elapsed();
            let report = super::tape::validate_to_json::<super::Users>(&read.tape.text, &read.tape.pieces, read.rows.len()).unwrap();
            let validated_at = start.elapsed();
            let inputs = super::tape::inputs_json(&read.tape.text, &read.tape.pieces, super::USER_FIELDS).unwrap();
            println!(
                "read {read_at:?}; validate_to_json {:?} ({} bytes); inputs_json {:?} ({} bytes)",
                validated_at - read_at,
                report.len(),
                start.elapsed() - validated_at,
                inputs.len()
            );
        }
    }
}
