//! Seed data. `demo`: every record of the reference's examples plus deterministic
//! generated data (500 users, 40 doors, 10 access levels, events up to 5,000).
//! `empty`: nothing at all (event ids still start at 1).

use crate::db::{self, EventOut, Person, ScheduleOut};
use crate::validate::{flexible_id, iso_from_millis, now_millis, parse_date};
use rusqlite::{params, Connection, Transaction};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

/// The controller of every door the sandbox makes.
const CONTROLLER: &str = "BEST Switch™ API";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Demo,
    Empty,
}

impl std::str::FromStr for Seed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            other => Err(format!("unknown seed {other:?} (use demo or empty)")),
        }
    }
}

/// Small deterministic generator (PCG-style LCG) so the demo data is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }
    fn chance(&mut self, pct: u32) -> bool {
        self.next() % 100 < pct
    }
}

/// Creates the schema and, when the database holds no seed marker yet, seeds it.
/// A `--db` file that was seeded before is left as it is.
pub fn init(conn: &mut Connection, seed: Seed) -> rusqlite::Result<()> {
    conn.execute_batch(db::SCHEMA)?;
    let seeded: i64 = conn.query_row("SELECT COUNT(*) FROM meta WHERE key = 'seeded'", [], |r| r.get(0))?;
    if seeded == 0 {
        load(conn, seed)?;
    }
    Ok(())
}

/// Drops everything and seeds again (POST /__admin/reset).
pub fn reset(conn: &mut Connection, seed: Seed) -> rusqlite::Result<()> {
    conn.execute_batch(db::DROP_ALL)?;
    conn.execute_batch(db::SCHEMA)?;
    load(conn, seed)
}

fn load(conn: &mut Connection, seed: Seed) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    if seed == Seed::Demo {
        examples(&tx)?;
        generated(&tx)?;
    }
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?)", [if seed == Seed::Demo { "demo" } else { "empty" }])?;
    tx.commit()
}

const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Margaret",
    "Steven",
    "Ashley",
    "Andrew",
    "Kimberly",
    "Paul",
    "Emily",
    "Joshua",
    "Donna",
    "Kenneth",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "George",
    "Melissa",
    "Timothy",
    "Deborah",
    "Priya",
    "Wei",
    "Aisha",
    "Mateo",
    "Yuki",
    "Olga",
    "Kwame",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Kowalski",
    "Tanaka",
];
const DOOR_NAMES: &[(&str, &str)] = &[
    ("North Entrance", "Main Hall"),
    ("South Entrance", "Main Hall"),
    ("East Stairwell", "Building A"),
    ("West Stairwell", "Building A"),
    ("Loading Dock", "Warehouse"),
    ("Shipping Office", "Warehouse"),
    ("Server Room", "Building B"),
    ("Network Closet 2F", "Building B"),
    ("Conference Room A", "Building A"),
    ("Conference Room B", "Building A"),
    ("Executive Suite", "Building A"),
    ("Finance Office", "Building A"),
    ("HR Office", "Building A"),
    ("Mail Room", "Main Hall"),
    ("Chemistry Lab", "Building C"),
    ("Biology Lab", "Building C"),
    ("Clean Room", "Building C"),
    ("Parking Garage Gate", "Garage"),
    ("Bike Storage", "Garage"),
    ("Roof Access", "Building B"),
    ("Gym", "Building D"),
    ("Locker Room", "Building D"),
    ("Cafeteria", "Main Hall"),
    ("Kitchen", "Main Hall"),
    ("Supply Closet", "Building B"),
    ("Records Archive", "Building B"),
    ("Security Desk", "Main Hall"),
    ("Visitor Lobby", "Main Hall"),
    ("Training Room", "Building D"),
    ("Print Room", "Building A"),
];
const LEVELS: &[&str] = &["Engineering", "Facilities", "Finance", "IT Operations", "Laboratory", "Management", "Reception", "Shipping & Receiving", "Visitors", "Night Staff"];

/// The reference's example JSON (`fixtures/reference`), built into the binary.
mod reference {
    pub const SCHEDULES: &str = include_str!("../../fixtures/reference/get-schedule.json");
    pub const DOORS: &str = include_str!("../../fixtures/reference/get-door.json");
    pub const DOOR_STATES: &str = include_str!("../../fixtures/reference/get-doorstate.json");
    pub const ACCESS_LEVELS: &str = include_str!("../../fixtures/reference/get-accesslevel.json");
    pub const CREDENTIALS: &str = include_str!("../../fixtures/reference/get-credential.json");
    pub const USER_BY_IDNUM: &str = include_str!("../../fixtures/reference/get-user-by-idnum.json");
    pub const USER_BY_ID: &str = include_str!("../../fixtures/reference/get-user-by-id.json");
    pub const FOBS: &str = include_str!("../../fixtures/reference/get-user-list.json");
    pub const EVENTS: &str = include_str!("../../fixtures/reference/get-events.json");
    /// The "Response Format" error example: the record it shows is Rhea Greswell's.
    pub const USER_ERROR: &str = include_str!("../../fixtures/reference/post-user-errors.json");
    /// The fob PUT example: the fob and the user it names.
    pub const FOB_PUT: &str = include_str!("../../fixtures/reference/put-fob-request.json");
}

/// Parses a built-in fixture; the tests load every one of them, so this cannot fail at run time.
fn parse<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).expect("a built-in reference fixture")
}

/// The records of a `{"data":[...]}` fixture.
fn records<T: DeserializeOwned>(json: &str) -> Vec<T> {
    #[derive(Deserialize)]
    struct Data<T> {
        data: Vec<T>,
    }
    parse::<Data<T>>(json).data
}

#[derive(Deserialize, Clone)]
struct IdRef {
    id: i64,
}

/// A door as the door, door-state and access-level examples show it (each shows some fields).
#[derive(Deserialize, Clone)]
struct Door {
    id: i64,
    name: String,
    #[serde(default)]
    location: String,
    enabled: Option<bool>,
    controller: Option<String>,
    battery_level: Option<f64>,
}

#[derive(Deserialize)]
struct AccessLevel {
    id: i64,
    name: String,
    #[serde(default)]
    doors: Vec<Door>,
}

#[derive(Deserialize)]
struct Credential {
    id: i64,
    card_num: String,
    credential_key: String,
    claim_status: String,
    user: Vec<db::IdName>,
}

/// A user or fob of the examples, with its access levels.
#[derive(Deserialize, Clone, Default)]
struct Example {
    #[serde(flatten)]
    person: Person,
    #[serde(default)]
    accesslevels: Vec<IdRef>,
}

/// The "Response Format" example of a rejected user record.
#[derive(Deserialize)]
struct UserErrorExample {
    input_data: Example,
}

/// Inserts a person and its access levels (not its card: see [`credential`]). Dates in an
/// input form are stored in the response form.
fn person(tx: &Transaction, kind: &str, p: &Person, levels: &[IdRef]) -> rusqlite::Result<()> {
    let date = |d: &str| parse_date(d).unwrap_or_else(|| d.to_string());
    tx.prepare_cached(
        "INSERT INTO person (id, kind, id_num, first_name, last_name, name, email, phone, pin, \
         access_effective, access_expires, enabled) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    )?
    .execute(params![p.id, kind, p.id_num, p.first_name, p.last_name, p.name, p.email, p.phone, p.pin, date(&p.access_effective), date(&p.access_expires), p.enabled])?;
    for level in levels {
        tx.prepare_cached("INSERT OR IGNORE INTO person_accesslevel (person_id, accesslevel_id) VALUES (?,?)")?.execute([p.id, level.id])?;
    }
    Ok(())
}

fn credential(tx: &Transaction, id: Option<i64>, card: &str, key: &str, status: &str, person: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO credential (id, card_num, credential_key, claim_status, person_id) VALUES (?,?,?,?,?)")?.execute(params![id, card, key, status, person])?;
    Ok(())
}

fn key(rng: &mut Rng) -> String {
    const CH: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..4).map(|_| (0..4).map(|_| CH[rng.below(CH.len())] as char).collect::<String>()).collect::<Vec<_>>().join("-")
}

/// What the sandbox adds to the examples' records, where the reference shows none.
mod added {
    /// More schedules, for the access levels below and the generated ones:
    /// (id, name, d0..d6, start, stop).
    pub const SCHEDULES: &[(i64, &str, [i64; 7], &str, &str)] = &[
        (1405, "24/7", [1, 1, 1, 1, 1, 1, 1], "00:00:00", "23:59:59"),
        (1406, "Business Hours", [1, 1, 1, 1, 1, 0, 0], "07:00:00", "18:59:59"),
        (1407, "Night Shift", [1, 1, 1, 1, 1, 1, 0], "22:00:00", "06:59:59"),
        (1408, "Weekday Mornings", [1, 1, 1, 1, 1, 0, 0], "06:00:00", "11:59:59"),
    ];

    /// Battery levels of the example doors that the door-state example leaves out.
    pub const BATTERY: &[(i64, f64)] = &[(166, 0.87), (174, 0.91), (603, 0.55), (983, 0.82), (1087, 0.96)];

    /// Access levels 123 and 789, which the user POST example assigns: (id, name, door ids).
    pub const LEVELS: &[(i64, &str, &[i64])] = &[(123, "Staff", &[166, 174]), (789, "Contractors", &[603])];

    /// The schedule of each example access level.
    pub const LEVEL_SCHEDULE: &[(i64, i64)] = &[(123, 543), (208, 1405), (212, 543), (512, 1406), (574, 1404), (789, 1408)];

    /// The fob PUT example's user (first and last name, e-mail, phone) and access level.
    pub const FOB_PUT_USER: (&str, &str, &str, &str) = ("Morgan", "Reyes", "morgan.reyes@example.com", "5550100188");
    pub const FOB_PUT_USER_LEVEL: i64 = 123;
    /// The fob PUT example's fob.
    pub const FOB_PUT_FOB: &str = "Loaner Fob 7";
}

/// Every record of the reference's examples, with what [`added`] fills in.
fn examples(tx: &Transaction) -> rusqlite::Result<()> {
    example_places(tx)?;
    example_people(tx)?;
    for e in records::<EventOut>(reference::EVENTS) {
        db::insert_event(tx, &e)?;
    }
    Ok(())
}

/// The examples' schedules, doors and access levels.
fn example_places(tx: &Transaction) -> rusqlite::Result<()> {
    let mut schedule = tx.prepare_cached("INSERT INTO schedule (id, name, d0, d1, d2, d3, d4, d5, d6, start, stop) VALUES (?,?,?,?,?,?,?,?,?,?,?)")?;
    let examples = records::<ScheduleOut>(reference::SCHEDULES).into_iter().map(|s| (s.id, s.name, [s.d0, s.d1, s.d2, s.d3, s.d4, s.d5, s.d6], s.start, s.stop));
    let added = added::SCHEDULES.iter().map(|&(id, name, d, start, stop)| (id, name.to_string(), d, start.to_string(), stop.to_string()));
    for (id, name, d, start, stop) in examples.chain(added) {
        schedule.execute(params![id, name, d[0], d[1], d[2], d[3], d[4], d[5], d[6], start, stop])?;
    }
    let levels = records::<AccessLevel>(reference::ACCESS_LEVELS);
    // Each door once, as the first example that shows it has it.
    let mut doors = BTreeMap::new();
    let door_examples = records::<Door>(reference::DOORS).into_iter().chain(records(reference::DOOR_STATES)).chain(levels.iter().flat_map(|l| l.doors.clone()));
    for d in door_examples {
        doors.entry(d.id).or_insert(d);
    }
    let mut door = tx.prepare_cached("INSERT INTO door (id, name, location, enabled, controller, battery_level) VALUES (?,?,?,?,?,?)")?;
    for d in doors.values() {
        let battery = d.battery_level.or_else(|| added::BATTERY.iter().find(|(id, _)| *id == d.id).map(|b| b.1));
        door.execute(params![d.id, d.name, d.location, d.enabled.unwrap_or(true), d.controller.as_deref().unwrap_or(CONTROLLER), battery.unwrap_or(1.0)])?;
    }
    let mut level = tx.prepare_cached("INSERT INTO accesslevel (id, name, schedule_id) VALUES (?,?,?)")?;
    let mut level_door = tx.prepare_cached("INSERT OR IGNORE INTO accesslevel_door (accesslevel_id, door_id) VALUES (?,?)")?;
    let level_rows = levels.into_iter().map(|l| (l.id, l.name, l.doors.iter().map(|d| d.id).collect::<Vec<_>>()));
    for (id, name, doors) in level_rows.chain(added::LEVELS.iter().map(|(id, name, doors)| (*id, name.to_string(), doors.to_vec()))) {
        level.execute(params![id, name, added::LEVEL_SCHEDULE.iter().find(|(l, _)| *l == id).map(|s| s.1)])?;
        for d in doors {
            level_door.execute([id, d])?;
        }
    }
    Ok(())
}

/// The examples' users, fobs and credentials.
fn example_people(tx: &Transaction) -> rusqlite::Result<()> {
    // The credential example's holders: "User, Test" is a name only; the error example's
    // record is Rhea Greswell's, in full but for the two values it is rejected for: her card
    // is the credential's, her e-mail has one `@`.
    let mut greswell = parse::<UserErrorExample>(reference::USER_ERROR).input_data;
    while greswell.person.email.contains("@@") {
        greswell.person.email = greswell.person.email.replace("@@", "@");
    }
    for c in records::<Credential>(reference::CREDENTIALS) {
        let holder = &c.user[0];
        credential(tx, Some(c.id), &c.card_num, &c.credential_key, &c.claim_status, holder.id)?;
        let (last, first) = holder.name.split_once(", ").unwrap_or((&holder.name, ""));
        let mut record = if (last, first) == (greswell.person.last_name.as_str(), greswell.person.first_name.as_str()) {
            greswell.clone()
        } else {
            Example { person: Person { last_name: last.into(), first_name: first.into(), ..Person::default() }, accesslevels: vec![] }
        };
        record.person.id = holder.id;
        person(tx, "user", &record.person, &record.accesslevels)?;
    }
    let users = records::<Example>(reference::USER_BY_IDNUM).into_iter().chain(records(reference::USER_BY_ID)).map(|e| ("user", e));
    for (kind, e) in users.chain(records::<Example>(reference::FOBS).into_iter().map(|e| ("fob", e))) {
        person(tx, kind, &e.person, &e.accesslevels)?;
        credential(tx, None, &e.person.card_num, "", "Unclaimed", e.person.id)?;
    }
    // The fob PUT example's fob and user, so that the example succeeds; each with a card
    // numbered like its id.
    let put = &parse::<serde_json::Value>(reference::FOB_PUT)["fobs"][0];
    let (fob_id, user_id) = (flexible_id(&put["id"]).unwrap_or_default(), flexible_id(&put["user_id"]).unwrap_or_default());
    let (first_name, last_name, email, phone) = added::FOB_PUT_USER;
    let user = Person {
        id: user_id,
        id_num: format!("EMP-{user_id}"),
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: email.into(),
        phone: phone.into(),
        ..Person::default()
    };
    person(tx, "user", &user, &[IdRef { id: added::FOB_PUT_USER_LEVEL }])?;
    credential(tx, None, &user_id.to_string(), "", "Unclaimed", user_id)?;
    let fob = Person { id: fob_id, id_num: format!("FOB-{fob_id}"), name: added::FOB_PUT_FOB.into(), ..Person::default() };
    person(tx, "fob", &fob, &[])?;
    credential(tx, None, &fob_id.to_string(), "", "Unclaimed", fob_id)
}

/// Deterministic generated data: 40 doors, 10 access levels, 500 users (ids 2001..2500,
/// cards 20001..20500) and access events up to 5,000.
fn generated(tx: &Transaction) -> rusqlite::Result<()> {
    let mut rng = Rng(0x10c7_5eed);
    let mut door = tx.prepare_cached("INSERT INTO door (id, name, location, enabled, controller, battery_level) VALUES (?,?,?,?,?,?)")?;
    let mut gen_doors = Vec::new();
    for i in 0..40usize {
        let id = 2001 + i as i64;
        let (name, loc) = match DOOR_NAMES.get(i) {
            Some((n, l)) => (n.to_string(), *l),
            None => (format!("Suite {}", 201 + i - DOOR_NAMES.len()), "Building D"),
        };
        let bat = (5 + rng.below(96)) as f64 / 100.0;
        let enabled = !rng.chance(5);
        door.execute(params![id, name, loc, enabled, CONTROLLER, bat])?;
        gen_doors.push(id);
    }
    let mut level = tx.prepare_cached("INSERT INTO accesslevel (id, name, schedule_id) VALUES (?,?,?)")?;
    let mut level_door = tx.prepare_cached("INSERT OR IGNORE INTO accesslevel_door (accesslevel_id, door_id) VALUES (?,?)")?;
    let sched_ids: Vec<i64> = tx.prepare("SELECT id FROM schedule ORDER BY id")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut gen_levels = Vec::new();
    for (i, name) in LEVELS.iter().enumerate() {
        let id = 1201 + i as i64;
        level.execute(params![id, name, sched_ids[rng.below(sched_ids.len())]])?;
        for _ in 0..3 + rng.below(4) {
            level_door.execute([id, gen_doors[rng.below(gen_doors.len())]])?;
        }
        gen_levels.push(id);
    }
    let mut assign = tx.prepare_cached("INSERT OR IGNORE INTO person_accesslevel (person_id, accesslevel_id) VALUES (?,?)")?;
    let mut emails = HashSet::new();
    let mut users = Vec::new();
    for i in 0..500usize {
        let id = 2001 + i as i64;
        let first = FIRST[rng.below(FIRST.len())];
        let last = LAST[rng.below(LAST.len())];
        let mut email = format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase());
        let mut n = 2;
        while !emails.insert(email.clone()) {
            email = format!("{}.{}{n}@example.com", first.to_lowercase(), last.to_lowercase());
            n += 1;
        }
        let phone = format!("555{:07}", rng.below(10_000_000));
        let pin = if rng.chance(30) { format!("{:04}", rng.below(10_000)) } else { String::new() };
        let (access_effective, access_expires) = if rng.chance(12) {
            let m = 1 + rng.below(12);
            (format!("2024-{m:02}-01T08:00:00.000Z"), format!("{}-{m:02}-01T17:00:00.000Z", 2025 + rng.below(3)))
        } else {
            (String::new(), String::new())
        };
        let enabled = !rng.chance(5);
        let id_num = format!("EMP-{:05}", 10001 + i);
        person(
            tx,
            "user",
            &Person { id, id_num, first_name: first.into(), last_name: last.into(), email, phone, pin, access_effective, access_expires, enabled, ..Person::default() },
            &[],
        )?;
        let card = (20001 + i).to_string();
        let status = if rng.chance(70) { "Claimed" } else { "Unclaimed" };
        credential(tx, None, &card, &key(&mut rng), status, id)?;
        assign.execute([id, 512])?;
        for _ in 0..1 + rng.below(2) {
            assign.execute([id, gen_levels[rng.below(gen_levels.len())]])?;
        }
        users.push((format!("{last}, {first}"), card));
    }
    // Events ascending after the examples' newest.
    let door_rows = door_pool(tx)?;
    let mut id: i64 = tx.query_row("SELECT MAX(id) FROM event", [], |r| r.get(0))?;
    let mut t = 1_637_283_600_000i64; // 2021-11-19T01:00:00Z
    let examples: i64 = tx.query_row("SELECT COUNT(*) FROM event", [], |r| r.get(0))?;
    for _ in 0..(db::EVENT_CACHE - examples) {
        id += 1 + rng.below(7) as i64;
        t += 1000 * (30 + rng.below(870) as i64);
        let (u, card) = &users[rng.below(users.len())];
        let d = &door_rows[rng.below(door_rows.len())];
        let roll = rng.below(100);
        let mut e = access_event(d, u, card, roll, t, 50 + rng.below(4950) as i64);
        e.id = id;
        db::insert_event(tx, &e)?;
    }
    Ok(())
}

/// (name, location, controller, schedule name of some level that holds the door)
pub type DoorInfo = (String, String, String, String);

fn door_pool(conn: &Connection) -> rusqlite::Result<Vec<DoorInfo>> {
    let mut st = conn.prepare_cached(
        "SELECT d.name, d.location, d.controller, COALESCE((SELECT s.name FROM accesslevel_door ad \
         JOIN accesslevel a ON a.id = ad.accesslevel_id JOIN schedule s ON s.id = a.schedule_id \
         WHERE ad.door_id = d.id LIMIT 1), '') FROM door d ORDER BY d.id",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// An access event at a door: roll < 82 granted, < 92 denied "Battery Missing",
/// otherwise denied without a sub-code.
pub fn access_event(d: &DoorInfo, user: &str, card: &str, roll: usize, hw_ms: i64, lag_ms: i64) -> EventOut {
    let granted = roll < 82;
    let battery = !granted && roll < 92;
    let hw = hw_ms - hw_ms.rem_euclid(1000);
    EventOut {
        id: 0,
        device: d.0.clone(),
        code: if granted { 48 } else { 49 },
        code_text: if granted { "Access Granted" } else { "Access Denied" }.into(),
        subcode: battery.then_some(104),
        subcode_text: battery.then(|| "Battery Missing".into()),
        schedule: if granted { d.3.clone() } else { String::new() },
        controller: if d.2.is_empty() { "Switch™ Bridge".into() } else { d.2.clone() },
        location: d.1.clone(),
        card_num: card.into(),
        user: user.into(),
        category: if granted { 1 } else { 2 },
        category_text: if granted { "Door Access Granted" } else { "Door Access Denied" }.into(),
        hw_time: iso_from_millis(hw),
        db_time: iso_from_millis(hw + lag_ms),
    }
}

/// Appends `n` access events happening now (simulated traffic, admin bursts) in one
/// transaction, then prunes to the newest 5,000.
pub fn append_access_events(conn: &mut Connection, n: usize) -> rusqlite::Result<Vec<i64>> {
    let tx = conn.transaction()?;
    let doors = door_pool(&tx)?;
    let doors = if doors.is_empty() { vec![("Core 1".to_string(), String::new(), "Switch™ Bridge".to_string(), String::new())] } else { doors };
    let users: Vec<(String, String)> = {
        let mut st = tx.prepare_cached(
            "SELECT p.kind, p.first_name, p.last_name, p.name, c.card_num FROM credential c \
             JOIN person p ON p.id = c.person_id ORDER BY RANDOM() LIMIT 200",
        )?;
        let rows = st.query_map([], |r| {
            Ok((db::display_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &r.get::<_, String>(3)?), r.get::<_, String>(4)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut ids = Vec::with_capacity(n);
    let now = now_millis();
    for _ in 0..n {
        let (u, card) = if users.is_empty() { (String::new(), String::new()) } else { users[fastrand::usize(..users.len())].clone() };
        let d = &doors[fastrand::usize(..doors.len())];
        let e = access_event(d, &u, &card, fastrand::usize(..100), now - fastrand::i64(200..1500), fastrand::i64(200..1500));
        ids.push(db::insert_event(&tx, &e)?);
    }
    db::prune_events(&tx)?;
    tx.commit()?;
    Ok(ids)
}
