//! Batch writes: POST user / uservalidate / door / fob / credential and PUT fob.
//!
//! Each call runs in ONE transaction. Records are processed in order; each record
//! runs inside its own savepoint so a record that fails leaves no trace. Validation
//! sees the records applied earlier in the same batch, and card numbers and door
//! names repeated within the batch are reported even when the earlier record failed.
//! With `validate_fails_batch` true any failure rolls the whole transaction back.

use crate::db::{self, EventOut, Person};
use crate::validate::{flexible_bool, flexible_id, is_numeric, is_valid_email, iso_from_millis, now_millis, parse_date, show, Options};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{value::RawValue, Map, Value};
use std::collections::HashSet;

/// One record of a batch: its exact input text and the parsed object.
pub struct Record {
    pub raw: Box<RawValue>,
    pub obj: Map<String, Value>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Users,
    Doors,
    FobsPost,
    FobsPut,
    Credentials,
}

impl Kind {
    /// The body node that carries the records.
    pub fn node(self) -> &'static str {
        match self {
            Kind::Users => "users",
            Kind::Doors => "doors",
            Kind::FobsPost | Kind::FobsPut => "fobs",
            Kind::Credentials => "credentials",
        }
    }
}

#[derive(Default, Debug)]
pub struct Outcome {
    pub submitted: usize,
    pub inserted: usize,
    pub updated: usize,
    pub errors: usize,
    /// (index of the record, its messages)
    pub failures: Vec<(usize, Vec<String>)>,
}

enum Applied {
    Inserted,
    Updated,
    Ignored,
}

enum RecErr {
    Invalid(Vec<String>),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for RecErr {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            if f.code == rusqlite::ErrorCode::ConstraintViolation {
                return RecErr::Invalid(vec![format!("Constraint violation: {}", msg.clone().unwrap_or_default())]);
            }
        }
        RecErr::Db(e)
    }
}

#[derive(Default)]
struct BatchSeen {
    cards: HashSet<String>,
    doors: HashSet<String>,
}

/// Runs a batch. `commit` false (uservalidate) always rolls back.
pub fn run(conn: &mut Connection, kind: Kind, records: &[Record], opts: &Options, commit: bool) -> rusqlite::Result<Outcome> {
    let tx = conn.transaction()?;
    let mut out = Outcome { submitted: records.len(), ..Default::default() };
    let mut seen = BatchSeen::default();
    for (i, rec) in records.iter().enumerate() {
        tx.execute_batch("SAVEPOINT rec")?;
        let res = match kind {
            Kind::Users => user(&tx, &rec.obj, opts, &mut seen),
            Kind::Doors => door(&tx, &rec.obj, &mut seen),
            Kind::FobsPost => fob_post(&tx, &rec.obj, &mut seen),
            Kind::FobsPut => fob_put(&tx, &rec.obj),
            Kind::Credentials => credential(&tx, &rec.obj),
        };
        match res {
            Ok(a) => {
                tx.execute_batch("RELEASE rec")?;
                match a {
                    Applied::Inserted => out.inserted += 1,
                    Applied::Updated => out.updated += 1,
                    Applied::Ignored => {}
                }
            }
            Err(e) => {
                tx.execute_batch("ROLLBACK TO rec; RELEASE rec")?;
                match e {
                    RecErr::Invalid(msgs) => {
                        out.errors += 1;
                        out.failures.push((i, msgs));
                    }
                    RecErr::Db(e) => return Err(e),
                }
            }
        }
    }
    if commit && !(opts.validate_fails_batch && out.errors > 0) {
        db::prune_events(&tx)?;
        tx.commit()?;
    }
    // otherwise the transaction is rolled back on drop
    Ok(out)
}

/// A text field: absent → None; null → ""; numbers are taken as their text.
fn text(obj: &Map<String, Value>, key: &str, errs: &mut Vec<String>) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Number(n) => Some(n.to_string()),
        other => {
            errs.push(format!("Invalid value found: {key}: {other}"));
            None
        }
    }
}

fn check_card(card: &Option<String>, errs: &mut Vec<String>) {
    if let Some(c) = card {
        if !c.is_empty() && !is_numeric(c) {
            errs.push(format!("Non-Numeric card_num found: {c}"));
        }
    }
}

fn check_date(field: &str, v: Option<String>, errs: &mut Vec<String>) -> Option<String> {
    let v = v?;
    if v.is_empty() {
        return Some(v);
    }
    match parse_date(&v) {
        Some(d) => Some(d),
        None => {
            errs.push(format!("Invalid date found: {field}: {v}"));
            None
        }
    }
}

fn check_order(eff: &str, exp: &str, errs: &mut Vec<String>) {
    if !eff.is_empty() && !exp.is_empty() && eff > exp {
        errs.push("access_effective is after access_expires".into());
    }
}

/// Card held by a credential of anyone other than `owner`, or seen earlier in the batch.
fn card_conflict(tx: &Transaction, card: &str, owner: Option<i64>, seen: &mut BatchSeen) -> rusqlite::Result<bool> {
    if card.is_empty() {
        return Ok(false);
    }
    if !seen.cards.insert(card.to_string()) {
        return Ok(true);
    }
    let holder: Option<Option<i64>> = tx.prepare_cached("SELECT person_id FROM credential WHERE card_num = ?")?.query_row([card], |r| r.get(0)).optional()?;
    Ok(match holder {
        None => false,
        Some(h) => owner.is_none() || h != owner,
    })
}

fn check_enabled(obj: &Map<String, Value>, errs: &mut Vec<String>) -> Option<bool> {
    match obj.get("enabled") {
        None | Some(Value::Null) => None,
        Some(v) => match flexible_bool(v) {
            Some(b) => Some(b),
            None => {
                errs.push(format!("Invalid enabled value found: {}", show(v)));
                None
            }
        },
    }
}

/// `accesslevels`: absent → None; each item `{"id": N}` (number or digit text) or a bare id.
fn check_levels(tx: &Transaction, obj: &Map<String, Value>, errs: &mut Vec<String>) -> rusqlite::Result<Option<Vec<i64>>> {
    let items = match obj.get("accesslevels") {
        None => return Ok(None),
        Some(Value::Null) => return Ok(Some(vec![])),
        Some(Value::Array(a)) => a,
        Some(other) => {
            errs.push(format!("Invalid value found: accesslevels: {other}"));
            return Ok(None);
        }
    };
    let mut ids = Vec::new();
    for item in items {
        let idv = match item {
            Value::Object(m) => m.get("id").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        match flexible_id(&idv) {
            Some(id) if db::exists(tx, "SELECT 1 FROM accesslevel WHERE id = ?", id)? => ids.push(id),
            _ => errs.push(format!("Access Level Not Found: {}", show(&idv))),
        }
    }
    Ok(Some(ids))
}

fn set_levels(tx: &Transaction, person: i64, levels: &[i64], replace: bool) -> rusqlite::Result<()> {
    if replace {
        tx.prepare_cached("DELETE FROM person_accesslevel WHERE person_id = ?")?.execute([person])?;
    }
    let mut st = tx.prepare_cached("INSERT OR IGNORE INTO person_accesslevel (person_id, accesslevel_id) VALUES (?, ?)")?;
    for l in levels {
        st.execute([person, *l])?;
    }
    Ok(())
}

/// A new credential registration key `XXXX-XXXX-XXXX-XXXX`.
pub fn new_key() -> String {
    const CH: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..4).map(|_| (0..4).map(|_| CH[fastrand::usize(..CH.len())] as char).collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Gives `person` the card `card` ("" removes its cards).
fn set_card(tx: &Transaction, person: i64, card: &str) -> rusqlite::Result<()> {
    let current: Option<(i64, String)> =
        tx.prepare_cached("SELECT id, card_num FROM credential WHERE person_id = ? ORDER BY id LIMIT 1")?.query_row([person], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match (current, card.is_empty()) {
        (Some(_), true) => {
            tx.prepare_cached("DELETE FROM credential WHERE person_id = ?")?.execute([person])?;
        }
        (Some((id, old)), false) if old != card => {
            tx.prepare_cached("UPDATE credential SET card_num = ? WHERE id = ?")?.execute(params![card, id])?;
        }
        (None, false) => {
            tx.prepare_cached(
                "INSERT INTO credential (card_num, credential_key, claim_status, person_id) \
                 VALUES (?, ?, 'Unclaimed', ?)",
            )?
            .execute(params![card, new_key(), person])?;
        }
        _ => {}
    }
    Ok(())
}

/// Codes of the events that writes append (category 6 "Database Change").
fn write_event(tx: &Transaction, code: i64, code_text: &str, user: &str, card: &str) -> rusqlite::Result<()> {
    let now = iso_from_millis(now_millis());
    db::insert_event(
        tx,
        &EventOut {
            device: "Cloud API".into(),
            code,
            code_text: code_text.into(),
            controller: "Cloud API".into(),
            card_num: card.into(),
            user: user.into(),
            category: 6,
            category_text: "Database Change".into(),
            hw_time: now.clone(),
            db_time: now,
            ..Default::default()
        },
    )?;
    Ok(())
}

fn load_person(tx: &Transaction, id: i64) -> rusqlite::Result<Person> {
    tx.prepare_cached(
        "SELECT id, id_num, first_name, last_name, name, email, phone, pin, access_effective, \
         access_expires, enabled, COALESCE((SELECT card_num FROM credential WHERE person_id = p.id \
         ORDER BY id LIMIT 1), '') FROM person p WHERE id = ?",
    )?
    .query_row([id], |r| {
        Ok(Person {
            id: r.get(0)?,
            id_num: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            name: r.get(4)?,
            email: r.get(5)?,
            phone: r.get(6)?,
            pin: r.get(7)?,
            access_effective: r.get(8)?,
            access_expires: r.get(9)?,
            enabled: r.get(10)?,
            card_num: r.get(11)?,
        })
    })
}

fn find_user(tx: &Transaction, id_num: &str, email: &str) -> rusqlite::Result<Option<i64>> {
    if !id_num.is_empty() {
        let hit = tx.prepare_cached("SELECT id FROM person WHERE kind = 'user' AND id_num = ? AND id_num <> ''")?.query_row([id_num], |r| r.get(0)).optional()?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    if !email.is_empty() {
        return tx
            .prepare_cached(
                "SELECT id FROM person WHERE kind = 'user' AND email = ? COLLATE NOCASE \
                 AND email <> '' ORDER BY id LIMIT 1",
            )?
            .query_row([email], |r| r.get(0))
            .optional();
    }
    Ok(None)
}

/// POST /user record. Matching existing users by id_num, then by e-mail (case
/// insensitive); the record's `id` is ignored (system assigned).
fn user(tx: &Transaction, obj: &Map<String, Value>, opts: &Options, seen: &mut BatchSeen) -> Result<Applied, RecErr> {
    let mut errs = Vec::new();
    let id_num = text(obj, "id_num", &mut errs).map(|s| s.trim().to_string());
    let first = text(obj, "first_name", &mut errs);
    let last = text(obj, "last_name", &mut errs);
    let card = text(obj, "card_num", &mut errs).map(|s| s.trim().to_string());
    let email = text(obj, "email", &mut errs).map(|s| s.trim().to_string());
    let phone = text(obj, "phone", &mut errs);
    let pin = text(obj, "pin", &mut errs);
    let eff = text(obj, "access_effective", &mut errs);
    let exp = text(obj, "access_expires", &mut errs);
    check_card(&card, &mut errs);
    if let Some(p) = &pin {
        if !p.is_empty() && !is_numeric(p) {
            errs.push(format!("Non-Numeric pin found: {p}"));
        }
    }
    if let Some(e) = &email {
        if !e.is_empty() && !is_valid_email(e) {
            errs.push(format!("Invalid email address found: {e}"));
        }
    }
    let eff = check_date("access_effective", eff, &mut errs);
    let exp = check_date("access_expires", exp, &mut errs);
    let enabled = check_enabled(obj, &mut errs);
    let levels = check_levels(tx, obj, &mut errs)?;

    let matched = find_user(tx, id_num.as_deref().unwrap_or(""), email.as_deref().unwrap_or(""))?;
    let old = matched.map(|id| load_person(tx, id)).transpose()?;
    let pick = |new: &Option<String>, old_v: Option<&String>| -> String { new.clone().or_else(|| old_v.cloned()).unwrap_or_default() };
    let f_id_num = pick(&id_num, old.as_ref().map(|o| &o.id_num));
    let f_first = pick(&first, old.as_ref().map(|o| &o.first_name));
    let f_last = pick(&last, old.as_ref().map(|o| &o.last_name));
    let f_eff = pick(&eff, old.as_ref().map(|o| &o.access_effective));
    let f_exp = pick(&exp, old.as_ref().map(|o| &o.access_expires));
    check_order(&f_eff, &f_exp, &mut errs);
    if f_first.trim().is_empty() && f_last.trim().is_empty() && f_id_num.is_empty() {
        errs.push("User requires first_name, last_name or id_num".into());
    }
    if let Some(c) = &card {
        if is_numeric(c) && card_conflict(tx, c, matched, seen)? {
            errs.push(format!("Card Number Already Assigned: {c}"));
        }
    }
    if let (Some(m), false) = (matched, f_id_num.is_empty()) {
        let other: Option<i64> =
            tx.prepare_cached("SELECT id FROM person WHERE kind = 'user' AND id_num = ? AND id_num <> '' AND id <> ?")?.query_row(params![f_id_num, m], |r| r.get(0)).optional()?;
        if other.is_some() {
            errs.push(format!("ID Number Already Assigned: {f_id_num}"));
        }
    }
    if !errs.is_empty() {
        return Err(RecErr::Invalid(errs));
    }
    match old {
        Some(_) if !opts.update_existing => Ok(Applied::Ignored),
        Some(o) => {
            let f_card = card.clone().unwrap_or(o.card_num.clone());
            tx.prepare_cached(
                "UPDATE person SET id_num = ?, first_name = ?, last_name = ?, email = ?, phone = ?, \
                 pin = ?, access_effective = ?, access_expires = ?, enabled = ? WHERE id = ?",
            )?
            .execute(params![
                f_id_num,
                f_first,
                f_last,
                email.unwrap_or(o.email),
                phone.unwrap_or(o.phone),
                pin.unwrap_or(o.pin),
                f_eff,
                f_exp,
                enabled.unwrap_or(o.enabled),
                o.id
            ])?;
            set_card(tx, o.id, &f_card)?;
            if let Some(l) = levels {
                set_levels(tx, o.id, &l, opts.replace_privileges)?;
            }
            let name = db::display_name("user", &f_first, &f_last, "");
            write_event(tx, 301, "User Updated", &name, &f_card)?;
            Ok(Applied::Updated)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO person (kind, id_num, first_name, last_name, email, phone, pin, \
                 access_effective, access_expires, enabled) VALUES ('user',?,?,?,?,?,?,?,?,?)",
            )?
            .execute(params![
                f_id_num,
                f_first,
                f_last,
                email.unwrap_or_default(),
                phone.unwrap_or_default(),
                pin.unwrap_or_default(),
                f_eff,
                f_exp,
                enabled.unwrap_or(true)
            ])?;
            let id = tx.last_insert_rowid();
            let f_card = card.unwrap_or_default();
            set_card(tx, id, &f_card)?;
            if let Some(l) = levels {
                set_levels(tx, id, &l, true)?;
            }
            let name = db::display_name("user", &f_first, &f_last, "");
            write_event(tx, 300, "User Created", &name, &f_card)?;
            Ok(Applied::Inserted)
        }
    }
}

/// POST /door record: `name` (required), optional `location`.
fn door(tx: &Transaction, obj: &Map<String, Value>, seen: &mut BatchSeen) -> Result<Applied, RecErr> {
    let mut errs = Vec::new();
    let name = text(obj, "name", &mut errs).unwrap_or_default();
    let name = name.trim().to_string();
    let location = text(obj, "location", &mut errs).unwrap_or_default();
    if name.is_empty() {
        errs.push("Door name is required".into());
    } else {
        let dup_batch = !seen.doors.insert(name.clone());
        let dup_db = tx.prepare_cached("SELECT 1 FROM door WHERE name = ?")?.query_row([&name], |_| Ok(())).optional()?.is_some();
        if dup_batch || dup_db {
            errs.push(format!("Door Name Already Exists: {name}"));
        }
    }
    if !errs.is_empty() {
        return Err(RecErr::Invalid(errs));
    }
    tx.prepare_cached("INSERT INTO door (name, location, battery_level) VALUES (?, ?, 1.0)")?.execute(params![name, location])?;
    write_event(tx, 304, "Door Created", "", "")?;
    Ok(Applied::Inserted)
}

/// POST /fob record: name, id_num, card_num, access_effective, access_expires
/// (optional enabled, accesslevels). A fob needs a name.
fn fob_post(tx: &Transaction, obj: &Map<String, Value>, seen: &mut BatchSeen) -> Result<Applied, RecErr> {
    let mut errs = Vec::new();
    let name = text(obj, "name", &mut errs).unwrap_or_default();
    let id_num = text(obj, "id_num", &mut errs).unwrap_or_default();
    let card = text(obj, "card_num", &mut errs).map(|s| s.trim().to_string());
    let eff = text(obj, "access_effective", &mut errs);
    let exp = text(obj, "access_expires", &mut errs);
    check_card(&card, &mut errs);
    let eff = check_date("access_effective", eff, &mut errs).unwrap_or_default();
    let exp = check_date("access_expires", exp, &mut errs).unwrap_or_default();
    check_order(&eff, &exp, &mut errs);
    let enabled = check_enabled(obj, &mut errs);
    let levels = check_levels(tx, obj, &mut errs)?;
    if name.trim().is_empty() {
        errs.push("Fob name is required".into());
    }
    let card = card.unwrap_or_default();
    if is_numeric(&card) && card_conflict(tx, &card, None, seen)? {
        errs.push(format!("Card Number Already Assigned: {card}"));
    }
    if !errs.is_empty() {
        return Err(RecErr::Invalid(errs));
    }
    tx.prepare_cached(
        "INSERT INTO person (kind, id_num, name, access_effective, access_expires, enabled) \
         VALUES ('fob', ?, ?, ?, ?, ?)",
    )?
    .execute(params![id_num, name, eff, exp, enabled.unwrap_or(true)])?;
    let id = tx.last_insert_rowid();
    set_card(tx, id, &card)?;
    if let Some(l) = levels {
        set_levels(tx, id, &l, true)?;
    }
    write_event(tx, 302, "Fob Created", &name, &card)?;
    Ok(Applied::Inserted)
}

/// PUT /fob record: reassigns fob `id` to user `user_id` (the fob inherits the user's
/// access levels) and sets the dates that are present. Counts as updated.
fn fob_put(tx: &Transaction, obj: &Map<String, Value>) -> Result<Applied, RecErr> {
    let mut errs = Vec::new();
    let idv = obj.get("id").cloned().unwrap_or(Value::Null);
    let uidv = obj.get("user_id").cloned().unwrap_or(Value::Null);
    let fob = flexible_id(&idv).map(|id| db::exists(tx, "SELECT 1 FROM person WHERE id = ? AND kind = 'fob'", id).map(|e| e.then_some(id))).transpose()?.flatten();
    if fob.is_none() {
        errs.push(format!("Fob Not Found: {}", show(&idv)));
    }
    let user = flexible_id(&uidv).map(|id| db::exists(tx, "SELECT 1 FROM person WHERE id = ? AND kind = 'user'", id).map(|e| e.then_some(id))).transpose()?.flatten();
    if user.is_none() {
        errs.push(format!("User Not Found: {}", show(&uidv)));
    }
    let eff = text(obj, "access_effective", &mut errs);
    let exp = text(obj, "access_expires", &mut errs);
    let eff = check_date("access_effective", eff, &mut errs);
    let exp = check_date("access_expires", exp, &mut errs);
    let (Some(fob), Some(user)) = (fob, user) else {
        return Err(RecErr::Invalid(errs));
    };
    let (old_eff, old_exp, fob_name): (String, String, String) =
        tx.prepare_cached("SELECT access_effective, access_expires, name FROM person WHERE id = ?")?.query_row([fob], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let eff = eff.unwrap_or(old_eff);
    let exp = exp.unwrap_or(old_exp);
    check_order(&eff, &exp, &mut errs);
    if !errs.is_empty() {
        return Err(RecErr::Invalid(errs));
    }
    tx.prepare_cached("UPDATE person SET owner_id = ?, access_effective = ?, access_expires = ? WHERE id = ?")?.execute(params![user, eff, exp, fob])?;
    tx.prepare_cached("DELETE FROM person_accesslevel WHERE person_id = ?")?.execute([fob])?;
    tx.prepare_cached(
        "INSERT INTO person_accesslevel (person_id, accesslevel_id) \
         SELECT ?, accesslevel_id FROM person_accesslevel WHERE person_id = ?",
    )?
    .execute([fob, user])?;
    let u = load_person(tx, user)?;
    let card: String = tx.prepare_cached("SELECT COALESCE((SELECT card_num FROM credential WHERE person_id = ? ORDER BY id LIMIT 1), '')")?.query_row([fob], |r| r.get(0))?;
    let who = format!("{} -> {}", fob_name, db::display_name("user", &u.first_name, &u.last_name, ""));
    write_event(tx, 303, "Fob Reassigned", &who, &card)?;
    Ok(Applied::Updated)
}

/// POST /credential record `{"id": N}`: reissue (new key, Unclaimed). Counts as updated.
fn credential(tx: &Transaction, obj: &Map<String, Value>) -> Result<Applied, RecErr> {
    let idv = obj.get("id").cloned().unwrap_or(Value::Null);
    let found = match flexible_id(&idv) {
        Some(id) => db::exists(tx, "SELECT 1 FROM credential WHERE id = ?", id)?.then_some(id),
        None => None,
    };
    let Some(id) = found else {
        return Err(RecErr::Invalid(vec![format!("Credential not found: {}", show(&idv))]));
    };
    tx.prepare_cached("UPDATE credential SET credential_key = ?, claim_status = 'Unclaimed' WHERE id = ?")?.execute(params![new_key(), id])?;
    let card: String = tx.prepare_cached("SELECT card_num FROM credential WHERE id = ?")?.query_row([id], |r| r.get(0))?;
    write_event(tx, 305, "Credential Reissued", "", &card)?;
    Ok(Applied::Updated)
}
