//! Seed data. `demo`: every record of the reference's examples plus deterministic
//! generated data (500 users, 40 doors, 10 access levels, events up to 5,000).
//! `empty`: nothing at all (event ids still start at 1).

use crate::db::{self, EventOut};
use crate::validate::{iso_from_millis, now_millis};
use rusqlite::{params, Connection, Transaction};
use std::collections::HashSet;

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
        demo(&tx)?;
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

/// The example events of GET /events (ids 837, 864, 865), verbatim.
fn example_events() -> Vec<EventOut> {
    let ev = |id, user: &str, card: &str, hw: &str, db: &str, denied: bool, dev: &str| EventOut {
        id,
        device: dev.into(),
        code: if denied { 49 } else { 48 },
        code_text: if denied { "Access Denied" } else { "Access Granted" }.into(),
        subcode: denied.then_some(104),
        subcode_text: denied.then(|| "Battery Missing".into()),
        schedule: String::new(),
        controller: "Switch™ Bridge".into(),
        location: if denied { "Main Hall" } else { "" }.into(),
        card_num: card.into(),
        user: user.into(),
        category: if denied { 2 } else { 1 },
        category_text: if denied { "Door Access Denied" } else { "Door Access Granted" }.into(),
        hw_time: hw.into(),
        db_time: db.into(),
    };
    vec![
        ev(837, "Jackson, Kelly", "1001", "2021-11-17T13:58:01.000Z", "2021-11-17T13:58:07.035Z", false, "Core 2"),
        ev(864, "Smith, Sally", "1000", "2021-11-18T16:15:25.000Z", "2021-11-19T00:44:06.950Z", true, "Core 1"),
        ev(865, "Jones, Adam", "1000", "2021-11-18T16:15:28.000Z", "2021-11-19T00:47:09.651Z", true, "Core 1"),
    ]
}

#[allow(clippy::too_many_arguments)]
fn person(
    tx: &Transaction,
    id: i64,
    kind: &str,
    id_num: &str,
    first: &str,
    last: &str,
    name: &str,
    email: &str,
    phone: &str,
    pin: &str,
    eff: &str,
    exp: &str,
    enabled: bool,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO person (id, kind, id_num, first_name, last_name, name, email, phone, pin, \
         access_effective, access_expires, enabled) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    )?
    .execute(params![id, kind, id_num, first, last, name, email, phone, pin, eff, exp, enabled])?;
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

fn demo(tx: &Transaction) -> rusqlite::Result<()> {
    let mut rng = Rng(0x10c7_5eed);
    // Schedules: the reference's two, then generated ones.
    let mut sched = tx.prepare_cached("INSERT INTO schedule (id, name, d0, d1, d2, d3, d4, d5, d6, start, stop) VALUES (?,?,?,?,?,?,?,?,?,?,?)")?;
    let schedules: &[(i64, &str, [i64; 7], &str, &str)] = &[
        (543, "0800-1700 M-F, 1200-1500 Sat", [1, 1, 1, 1, 1, 0, 0], "08:00:00", "16:59:59"),
        (1404, "Weekend Cleaners", [0, 0, 0, 0, 0, 1, 1], "06:40:00", "19:49:59"),
        (1405, "24/7", [1, 1, 1, 1, 1, 1, 1], "00:00:00", "23:59:59"),
        (1406, "Business Hours", [1, 1, 1, 1, 1, 0, 0], "07:00:00", "18:59:59"),
        (1407, "Night Shift", [1, 1, 1, 1, 1, 1, 0], "22:00:00", "06:59:59"),
        (1408, "Weekday Mornings", [1, 1, 1, 1, 1, 0, 0], "06:00:00", "11:59:59"),
    ];
    for (id, name, d, start, stop) in schedules {
        sched.execute(params![id, name, d[0], d[1], d[2], d[3], d[4], d[5], d[6], start, stop])?;
    }
    // Doors: GET /door, /doorstate and /accesslevel examples, then 40 generated.
    let mut door = tx.prepare_cached("INSERT INTO door (id, name, location, enabled, controller, battery_level) VALUES (?,?,?,?,?,?)")?;
    let api = "BEST Switch™ API";
    let examples: &[(i64, &str, &str, f64)] = &[
        (166, "Office Supplies", "Main Hall", 0.87),
        (174, "Hall Entrance", "", 0.91),
        (187, "Room 1", "", 0.64),
        (446, "Room 2", "", 0.74),
        (603, "Maintenance Office", "", 0.55),
        (983, "Office Door", "", 0.82),
        (1087, "Front Door", "", 0.96),
        (611127, "Room 3", "", 0.99),
    ];
    for (id, name, loc, bat) in examples {
        door.execute(params![id, name, loc, true, api, bat])?;
    }
    let mut gen_doors = Vec::new();
    for i in 0..40usize {
        let id = 2001 + i as i64;
        let (name, loc) = match DOOR_NAMES.get(i) {
            Some((n, l)) => (n.to_string(), *l),
            None => (format!("Suite {}", 201 + i - DOOR_NAMES.len()), "Building D"),
        };
        let bat = (5 + rng.below(96)) as f64 / 100.0;
        let enabled = !rng.chance(5);
        door.execute(params![id, name, loc, enabled, api, bat])?;
        gen_doors.push(id);
    }
    // Access levels.
    let mut level = tx.prepare_cached("INSERT INTO accesslevel (id, name, schedule_id) VALUES (?,?,?)")?;
    let mut level_door = tx.prepare_cached("INSERT OR IGNORE INTO accesslevel_door (accesslevel_id, door_id) VALUES (?,?)")?;
    let ex_levels: &[(i64, &str, Option<i64>, &[i64])] = &[
        (123, "Staff", Some(543), &[166, 174]),
        (208, "Security", Some(1405), &[983, 1087]),
        (212, "Administration", Some(543), &[]),
        (512, "Cardholder", Some(1406), &[]),
        (574, "Housekeeping", Some(1404), &[1087]),
        (789, "Contractors", Some(1408), &[603]),
    ];
    for (id, name, s, doors) in ex_levels {
        level.execute(params![id, name, s])?;
        for d in *doors {
            level_door.execute([*id, *d])?;
        }
    }
    let sched_ids = [543i64, 1404, 1405, 1406, 1407, 1408];
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
    // Reference users, credential holders and fobs.
    credential(tx, Some(335), "1003", "AAAA-BBBB-1111-2222", "Claimed", 300)?;
    credential(tx, Some(129813), "1234", "CCCC-DDDD-5555-6666", "Unclaimed", 244)?;
    person(tx, 300, "user", "", "Test", "User", "", "", "", "", "", "", true)?;
    person(
        tx,
        244,
        "user",
        "qjwi-880329359",
        "Rhea",
        "Greswell",
        "",
        "rgreswell0@gravatar.com",
        "8184365134",
        "0986",
        "2022-01-24T00:00:00.000Z",
        "2022-10-29T00:00:00.000Z",
        false,
    )?;
    assign.execute([244, 574])?;
    person(tx, 1690, "user", "ABC123-98765", "Joe3", "Smith3", "", "j.smith@web.place", "1112223333", "", "2022-01-05T23:59:59.000Z", "", false)?;
    credential(tx, None, "5556", "", "Unclaimed", 1690)?;
    person(tx, 1693, "user", "", "Susan3", "Brown3", "", "susan.brown@web.place", "33344455555", "", "", "", true)?;
    credential(tx, None, "8769", "", "Unclaimed", 1693)?;
    person(tx, 5678, "fob", "", "", "", "Fob 1", "", "", "", "", "", false)?;
    credential(tx, None, "10000", "", "Unclaimed", 5678)?;
    person(tx, 6789, "fob", "", "", "", "Fob 2", "", "", "", "2022-05-05T09:00:00.000Z", "2022-05-05T12:00:00.000Z", false)?;
    credential(tx, None, "10001", "", "Unclaimed", 6789)?;
    // Targets of the fob PUT example ({"id":"613297","user_id":"613188"}).
    person(tx, 613188, "user", "EMP-613188", "Morgan", "Reyes", "", "morgan.reyes@example.com", "5550100188", "", "", "", true)?;
    credential(tx, None, "613188", "", "Unclaimed", 613188)?;
    assign.execute([613188, 123])?;
    person(tx, 613297, "fob", "FOB-613297", "", "", "Loaner Fob 7", "", "", "", "", "", true)?;
    credential(tx, None, "613297", "", "Unclaimed", 613297)?;
    // Generated users: ids 2001..2500, card numbers 20001..20500.
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
        let (eff, exp) = if rng.chance(12) {
            let m = 1 + rng.below(12);
            (format!("2024-{m:02}-01T08:00:00.000Z"), format!("{}-{m:02}-01T17:00:00.000Z", 2025 + rng.below(3)))
        } else {
            (String::new(), String::new())
        };
        let enabled = !rng.chance(5);
        let id_num = format!("EMP-{:05}", 10001 + i);
        person(tx, id, "user", &id_num, first, last, "", &email, &phone, &pin, &eff, &exp, enabled)?;
        let card = (20001 + i).to_string();
        let status = if rng.chance(70) { "Claimed" } else { "Unclaimed" };
        credential(tx, None, &card, &key(&mut rng), status, id)?;
        assign.execute([id, 512])?;
        for _ in 0..1 + rng.below(2) {
            assign.execute([id, gen_levels[rng.below(gen_levels.len())]])?;
        }
        users.push((format!("{last}, {first}"), card));
    }
    // Events: the three reference events, then ascending generated ones up to 5,000.
    for e in example_events() {
        tx.prepare_cached(
            "INSERT INTO event (id, device, code, code_text, subcode, subcode_text, schedule, controller, \
             location, card_num, user, category, category_text, hw_time, db_time) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        )?
        .execute(params![
            e.id,
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
    }
    let door_rows = door_pool(tx)?;
    let mut id = 865i64;
    let mut t = 1_637_283_600_000i64; // 2021-11-19T01:00:00Z
    for _ in 0..(db::EVENT_CACHE as usize - 3) {
        id += 1 + rng.below(7) as i64;
        t += 1000 * (30 + rng.below(870) as i64);
        let (u, card) = &users[rng.below(users.len())];
        let d = &door_rows[rng.below(door_rows.len())];
        let roll = rng.below(100);
        let mut e = access_event(d, u, card, roll, t, 50 + rng.below(4950) as i64);
        e.id = id;
        tx.prepare_cached(
            "INSERT INTO event (id, device, code, code_text, subcode, subcode_text, schedule, controller, \
             location, card_num, user, category, category_text, hw_time, db_time) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        )?
        .execute(params![
            e.id,
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
