//! SQLite schema and read queries.
//!
//! Users and fobs share one `person` table (`kind` = 'user' | 'fob'), so they share
//! one id space, as the reference's user-list example (which shows fobs) implies.
//! A person's card number is its credential row (`credential.card_num` is UNIQUE).

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// At most this many events are cached; older ones are pruned.
pub const EVENT_CACHE: i64 = 5000;

pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS person (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user','fob')),
    id_num TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    pin TEXT NOT NULL DEFAULT '',
    access_effective TEXT NOT NULL DEFAULT '',
    access_expires TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    owner_id INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS person_id_num ON person(id_num) WHERE id_num <> '' AND kind = 'user';
CREATE INDEX IF NOT EXISTS person_id_num_any ON person(id_num);
CREATE INDEX IF NOT EXISTS person_email ON person(email COLLATE NOCASE) WHERE email <> '';
CREATE TABLE IF NOT EXISTS credential (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card_num TEXT NOT NULL UNIQUE,
    credential_key TEXT NOT NULL DEFAULT '',
    claim_status TEXT NOT NULL DEFAULT 'Unclaimed',
    person_id INTEGER
);
CREATE INDEX IF NOT EXISTS credential_person ON credential(person_id);
CREATE TABLE IF NOT EXISTS door (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    location TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    controller TEXT NOT NULL DEFAULT 'BEST Switch™ API',
    battery_level REAL NOT NULL DEFAULT 1.0
);
CREATE TABLE IF NOT EXISTS schedule (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    d0 INTEGER NOT NULL, d1 INTEGER NOT NULL, d2 INTEGER NOT NULL, d3 INTEGER NOT NULL,
    d4 INTEGER NOT NULL, d5 INTEGER NOT NULL, d6 INTEGER NOT NULL,
    start TEXT NOT NULL, stop TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accesslevel (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    schedule_id INTEGER
);
CREATE TABLE IF NOT EXISTS accesslevel_door (
    accesslevel_id INTEGER NOT NULL,
    door_id INTEGER NOT NULL,
    PRIMARY KEY (accesslevel_id, door_id)
);
CREATE TABLE IF NOT EXISTS person_accesslevel (
    person_id INTEGER NOT NULL,
    accesslevel_id INTEGER NOT NULL,
    PRIMARY KEY (person_id, accesslevel_id)
);
CREATE TABLE IF NOT EXISTS event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device TEXT NOT NULL DEFAULT '',
    code INTEGER NOT NULL,
    code_text TEXT NOT NULL,
    subcode INTEGER,
    subcode_text TEXT,
    schedule TEXT NOT NULL DEFAULT '',
    controller TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    card_num TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL DEFAULT '',
    category INTEGER NOT NULL,
    category_text TEXT NOT NULL,
    hw_time TEXT NOT NULL,
    db_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_card ON event(card_num);
"#;

pub const DROP_ALL: &str = "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS person; \
DROP TABLE IF EXISTS credential; DROP TABLE IF EXISTS door; DROP TABLE IF EXISTS schedule; \
DROP TABLE IF EXISTS accesslevel; DROP TABLE IF EXISTS accesslevel_door; \
DROP TABLE IF EXISTS person_accesslevel; DROP TABLE IF EXISTS event; \
DELETE FROM sqlite_sequence;";

#[derive(Serialize, Deserialize, Clone)]
pub struct IdName {
    pub id: i64,
    pub name: String,
}

/// A row of the person table (a user or a fob) with its first card. Read from a fixture,
/// absent fields are empty and `enabled` is true.
#[derive(Deserialize, Clone)]
#[serde(default)]
pub struct Person {
    pub id: i64,
    pub id_num: String,
    pub first_name: String,
    pub last_name: String,
    /// A fob's name (users have first and last names).
    pub name: String,
    pub email: String,
    pub phone: String,
    pub pin: String,
    pub access_effective: String,
    pub access_expires: String,
    pub enabled: bool,
    pub card_num: String,
}

impl Default for Person {
    fn default() -> Self {
        Person {
            id: 0,
            id_num: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            pin: String::new(),
            access_effective: String::new(),
            access_expires: String::new(),
            enabled: true,
            card_num: String::new(),
        }
    }
}

/// A user record as returned by GET /user: the reference's User object, so no `pin` (a
/// secret the API takes on writes and never shows on reads).
#[derive(Serialize)]
pub struct UserOut {
    pub id: i64,
    pub id_num: String,
    pub first_name: String,
    pub last_name: String,
    pub card_num: String,
    pub credential_key: String,
    pub email: String,
    pub phone: String,
    pub access_effective: String,
    pub access_expires: String,
    pub enabled: bool,
    pub accesslevels: Vec<IdName>,
}

/// A fob record (GET /fob, /fobcheck, and fobs in GET /user as the reference shows).
#[derive(Serialize)]
pub struct FobOut {
    pub id: i64,
    pub id_num: String,
    pub name: String,
    pub card_num: String,
    pub credential_key: String,
    pub enabled: bool,
    pub access_effective: String,
    pub access_expires: String,
    pub accesslevels: Vec<IdName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum PersonOut {
    User(UserOut),
    Fob(FobOut),
}

pub enum UserFilter {
    All,
    Id(i64),
    IdNum(String),
    Fobs,
}

fn levels_by_person(conn: &Connection) -> rusqlite::Result<HashMap<i64, Vec<IdName>>> {
    grouped_id_names(
        conn,
        "SELECT pa.person_id, a.id, a.name FROM person_accesslevel pa \
         JOIN accesslevel a ON a.id = pa.accesslevel_id ORDER BY pa.person_id, a.id",
    )
}

/// Rows of `(owner, id, name)` grouped by owner, in query order.
fn grouped_id_names(conn: &Connection, sql: &str) -> rusqlite::Result<HashMap<i64, Vec<IdName>>> {
    let mut st = conn.prepare_cached(sql)?;
    let mut map: HashMap<i64, Vec<IdName>> = HashMap::new();
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, IdName { id: r.get(1)?, name: r.get(2)? })))?;
    for row in rows {
        let (owner, item) = row?;
        map.entry(owner).or_default().push(item);
    }
    Ok(map)
}

fn levels_of(conn: &Connection, person: i64) -> rusqlite::Result<Vec<IdName>> {
    let mut st = conn.prepare_cached(
        "SELECT a.id, a.name FROM person_accesslevel pa JOIN accesslevel a \
         ON a.id = pa.accesslevel_id WHERE pa.person_id = ? ORDER BY a.id",
    )?;
    let rows = st.query_map([person], |r| Ok(IdName { id: r.get(0)?, name: r.get(1)? }))?;
    rows.collect()
}

const PERSON_COLS: &str = "p.id, p.kind, p.id_num, p.first_name, p.last_name, p.name, \
    p.email, p.phone, p.access_effective, p.access_expires, p.enabled, p.owner_id, \
    COALESCE(c.card_num, ''), COALESCE(c.credential_key, '')";
const PERSON_FROM: &str = "FROM person p LEFT JOIN credential c ON c.id = \
    (SELECT MIN(id) FROM credential WHERE person_id = p.id)";

pub fn list_persons(conn: &Connection, filter: &UserFilter) -> rusqlite::Result<Vec<PersonOut>> {
    let (where_, arg): (&str, rusqlite::types::Value) = match filter {
        UserFilter::All => ("1 = 1", 0i64.into()),
        UserFilter::Id(id) => ("p.id = ?1", (*id).into()),
        UserFilter::IdNum(s) => ("p.id_num = ?1", s.clone().into()),
        UserFilter::Fobs => ("p.kind = 'fob'", 0i64.into()),
    };
    let sql = format!("SELECT {PERSON_COLS} {PERSON_FROM} WHERE {where_} ORDER BY p.id");
    let single = matches!(filter, UserFilter::Id(_) | UserFilter::IdNum(_));
    let mut levels = if single { HashMap::new() } else { levels_by_person(conn)? };
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = if sql.contains("?1") { st.query(params![arg])? } else { st.query([])? };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let kind: String = r.get(1)?;
        let accesslevels = if single { levels_of(conn, id)? } else { levels.remove(&id).unwrap_or_default() };
        if kind == "fob" {
            out.push(PersonOut::Fob(FobOut {
                id,
                id_num: r.get(2)?,
                name: r.get(5)?,
                card_num: r.get(12)?,
                credential_key: r.get(13)?,
                enabled: r.get(10)?,
                access_effective: r.get(8)?,
                access_expires: r.get(9)?,
                accesslevels,
                user_id: r.get(11)?,
                last_activity: None,
            }));
        } else {
            out.push(PersonOut::User(UserOut {
                id,
                id_num: r.get(2)?,
                first_name: r.get(3)?,
                last_name: r.get(4)?,
                card_num: r.get(12)?,
                credential_key: r.get(13)?,
                email: r.get(6)?,
                phone: r.get(7)?,
                access_effective: r.get(8)?,
                access_expires: r.get(9)?,
                enabled: r.get(10)?,
                accesslevels,
            }));
        }
    }
    Ok(out)
}

/// GET /fobcheck: fobs plus the hw_time of the newest cached event for their card.
pub fn fobcheck(conn: &Connection) -> rusqlite::Result<Vec<PersonOut>> {
    let mut fobs = list_persons(conn, &UserFilter::Fobs)?;
    let mut st = conn.prepare_cached("SELECT hw_time FROM event WHERE card_num = ? AND card_num <> '' ORDER BY id DESC LIMIT 1")?;
    for f in &mut fobs {
        if let PersonOut::Fob(f) = f {
            let last: Option<String> = st.query_row([&f.card_num], |r| r.get(0)).optional()?;
            f.last_activity = Some(last.unwrap_or_default());
        }
    }
    Ok(fobs)
}

/// Display name used by credentials and events: "Last, First" for users, the fob's
/// name for fobs.
pub fn display_name(kind: &str, first: &str, last: &str, name: &str) -> String {
    if kind == "fob" {
        return name.to_string();
    }
    match (last.is_empty(), first.is_empty()) {
        (false, false) => format!("{last}, {first}"),
        (false, true) => last.to_string(),
        (true, false) => first.to_string(),
        (true, true) => String::new(),
    }
}

#[derive(Serialize)]
pub struct CredentialOut {
    pub id: i64,
    pub card_num: String,
    pub credential_key: String,
    pub claim_status: String,
    pub user: Vec<IdName>,
}

pub fn credentials(conn: &Connection) -> rusqlite::Result<Vec<CredentialOut>> {
    let mut st = conn.prepare_cached(
        "SELECT c.id, c.card_num, c.credential_key, c.claim_status, p.id, p.kind, \
         p.first_name, p.last_name, p.name FROM credential c \
         LEFT JOIN person p ON p.id = c.person_id ORDER BY c.id",
    )?;
    let rows = st.query_map([], |r| {
        let pid: Option<i64> = r.get(4)?;
        let user = match pid {
            Some(id) => vec![IdName { id, name: display_name(&r.get::<_, String>(5)?, &r.get::<_, String>(6)?, &r.get::<_, String>(7)?, &r.get::<_, String>(8)?) }],
            None => vec![],
        };
        Ok(CredentialOut { id: r.get(0)?, card_num: r.get(1)?, credential_key: r.get(2)?, claim_status: r.get(3)?, user })
    })?;
    rows.collect()
}

#[derive(Serialize)]
pub struct SummaryOut {
    pub claimed: i64,
    pub unclaimed: i64,
    pub total: i64,
}

pub fn credential_summary(conn: &Connection) -> rusqlite::Result<SummaryOut> {
    conn.query_row(
        "SELECT COALESCE(SUM(claim_status = 'Claimed'), 0), COALESCE(SUM(claim_status <> 'Claimed'), 0), \
         COUNT(*) FROM credential",
        [],
        |r| Ok(SummaryOut { claimed: r.get(0)?, unclaimed: r.get(1)?, total: r.get(2)? }),
    )
}

#[derive(Serialize, Deserialize, Clone, Default)]
pub struct EventOut {
    pub id: i64,
    pub device: String,
    pub code: i64,
    pub code_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subcode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subcode_text: Option<String>,
    pub schedule: String,
    pub controller: String,
    pub location: String,
    pub card_num: String,
    pub user: String,
    pub category: i64,
    pub category_text: String,
    pub hw_time: String,
    pub db_time: String,
}

const EVENT_COLS: &str = "id, device, code, code_text, subcode, subcode_text, schedule, \
    controller, location, card_num, user, category, category_text, hw_time, db_time";

fn event_row(r: &rusqlite::Row) -> rusqlite::Result<EventOut> {
    Ok(EventOut {
        id: r.get(0)?,
        device: r.get(1)?,
        code: r.get(2)?,
        code_text: r.get(3)?,
        subcode: r.get(4)?,
        subcode_text: r.get(5)?,
        schedule: r.get(6)?,
        controller: r.get(7)?,
        location: r.get(8)?,
        card_num: r.get(9)?,
        user: r.get(10)?,
        category: r.get(11)?,
        category_text: r.get(12)?,
        hw_time: r.get(13)?,
        db_time: r.get(14)?,
    })
}

/// GET /events: the newest cached events, newest first.
pub fn events_newest(conn: &Connection) -> rusqlite::Result<Vec<EventOut>> {
    let mut st = conn.prepare_cached(&format!("SELECT {EVENT_COLS} FROM event ORDER BY id DESC LIMIT {EVENT_CACHE}"))?;
    let rows = st.query_map([], event_row)?;
    rows.collect()
}

/// GET /events?id=N: cached events with id > N, ascending id (erratum 10).
pub fn events_after(conn: &Connection, after: i64) -> rusqlite::Result<Vec<EventOut>> {
    let mut st = conn.prepare_cached(&format!("SELECT {EVENT_COLS} FROM event WHERE id > ? ORDER BY id ASC LIMIT {EVENT_CACHE}"))?;
    let rows = st.query_map([after], event_row)?;
    rows.collect()
}

/// Appends an event; with `id` 0 the database assigns the id.
pub fn insert_event(conn: &Connection, e: &EventOut) -> rusqlite::Result<i64> {
    let mut st = conn.prepare_cached(
        "INSERT INTO event (id, device, code, code_text, subcode, subcode_text, schedule, \
         controller, location, card_num, user, category, category_text, hw_time, db_time) \
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    )?;
    st.execute(params![
        (e.id != 0).then_some(e.id),
        e.device,
        e.code,
        e.code_text,
        e.subcode,
        e.subcode_text,
        e.schedule,
        e.controller,
        e.location,
        e.card_num,
        e.user,
        e.category,
        e.category_text,
        e.hw_time,
        e.db_time
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Keeps only the newest EVENT_CACHE events.
pub fn prune_events(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached(&format!("DELETE FROM event WHERE id <= (SELECT id FROM event ORDER BY id DESC LIMIT 1 OFFSET {EVENT_CACHE})"))?.execute([])?;
    Ok(())
}

#[derive(Serialize)]
pub struct DoorOut {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub location: String,
    pub enabled: bool,
    pub controller: String,
}

pub fn doors(conn: &Connection) -> rusqlite::Result<Vec<DoorOut>> {
    let mut st = conn.prepare_cached("SELECT id, name, location, enabled, controller FROM door ORDER BY id")?;
    let rows =
        st.query_map([], |r| Ok(DoorOut { id: r.get(0)?, kind: "Access Controlled Door", name: r.get(1)?, location: r.get(2)?, enabled: r.get(3)?, controller: r.get(4)? }))?;
    rows.collect()
}

#[derive(Serialize)]
pub struct DoorStateOut {
    pub id: i64,
    pub name: String,
    pub battery_level: f64,
}

pub fn doorstates(conn: &Connection) -> rusqlite::Result<Vec<DoorStateOut>> {
    let mut st = conn.prepare_cached("SELECT id, name, battery_level FROM door ORDER BY id")?;
    let rows = st.query_map([], |r| Ok(DoorStateOut { id: r.get(0)?, name: r.get(1)?, battery_level: r.get(2)? }))?;
    rows.collect()
}

#[derive(Serialize, Deserialize)]
pub struct ScheduleOut {
    pub id: i64,
    pub name: String,
    pub d0: i64,
    pub d1: i64,
    pub d2: i64,
    pub d3: i64,
    pub d4: i64,
    pub d5: i64,
    pub d6: i64,
    pub start: String,
    pub stop: String,
}

pub fn schedules(conn: &Connection) -> rusqlite::Result<Vec<ScheduleOut>> {
    let mut st = conn.prepare_cached("SELECT id, name, d0, d1, d2, d3, d4, d5, d6, start, stop FROM schedule ORDER BY id")?;
    let rows = st.query_map([], |r| {
        Ok(ScheduleOut {
            id: r.get(0)?,
            name: r.get(1)?,
            d0: r.get(2)?,
            d1: r.get(3)?,
            d2: r.get(4)?,
            d3: r.get(5)?,
            d4: r.get(6)?,
            d5: r.get(7)?,
            d6: r.get(8)?,
            start: r.get(9)?,
            stop: r.get(10)?,
        })
    })?;
    rows.collect()
}

#[derive(Serialize)]
pub struct AccessLevelOut {
    pub id: i64,
    pub name: String,
    /// Absent when the level has no doors (as the reference documents).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub doors: Vec<IdName>,
}

pub fn accesslevels(conn: &Connection) -> rusqlite::Result<Vec<AccessLevelOut>> {
    let mut doors = grouped_id_names(
        conn,
        "SELECT ad.accesslevel_id, d.id, d.name FROM accesslevel_door ad \
         JOIN door d ON d.id = ad.door_id ORDER BY ad.accesslevel_id, d.id",
    )?;
    let mut st = conn.prepare_cached("SELECT id, name FROM accesslevel ORDER BY id")?;
    let rows = st.query_map([], |r| {
        let id: i64 = r.get(0)?;
        Ok(AccessLevelOut { id, name: r.get(1)?, doors: doors.remove(&id).unwrap_or_default() })
    })?;
    rows.collect()
}

/// One above the highest all-digit card number (as text); "1" when there is none.
pub fn next_card_num(conn: &Connection) -> rusqlite::Result<String> {
    let mut st = conn.prepare_cached("SELECT card_num FROM credential")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    let mut best: u128 = 0;
    for c in rows {
        let c = c?;
        if crate::validate::is_numeric(&c) {
            if let Ok(n) = c.parse::<u128>() {
                best = best.max(n);
            }
        }
    }
    Ok((best + 1).to_string())
}

pub fn exists(tx: &Transaction, sql: &str, id: i64) -> rusqlite::Result<bool> {
    Ok(tx.prepare_cached(sql)?.query_row([id], |_| Ok(())).optional()?.is_some())
}
