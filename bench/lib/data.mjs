// Deterministic test data: users with about 6 % bad records, and the same users as CSV.
//
//   generateUsers(100_000, { seed: 1, bad: 0.06, prefix: "B" })

/** mulberry32: a small seeded PRNG, so every run and every child process sees the same data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Toby", "Rena", "Ada", "Grace", "Linus", "Mei", "Omar", "Priya", "Sven", "Zoë", "Jean-Luc", "Aoife"];
const LAST = ["Peters", "Greswell", "Lovelace", "Hopper", "Torvalds", "Chen", "Haddad", "Iyer", "Larsen", "Müller", "O'Neil"];
const DOMAINS = ["web.place", "example.com", "mail.co.uk", "lockt.io", "uni-bonn.de"];
const LEVELS = [{ id: 1 }, { id: 2 }, { id: 7 }, { name: "Staff" }, { name: "After hours" }];

/** The kinds of bad record, in rotation: each is one rule of the validators. */
export const BAD_KINDS = [
  (u) => { u.card_num = "A8914"; },
  (u) => { u.email = "rgreswell0@@@@gravatar.com"; },
  (u) => { u.access_expires = "2022-02-30 00:00:00"; },
  (u) => { u.access_effective = "2030-01-01 00:00:00"; u.access_expires = "2029-01-01"; },
  (u) => { delete u.first_name; delete u.last_name; delete u.id_num; },
  (u) => { u.pin = "12a4"; },
  (u) => { u.phone = "call me"; },
  (u) => { u.enabled = "yes"; },
  (u) => { u.accesslevels = [{ id: 0 }]; },
  (u) => { u.first_name = "x".repeat(101); },
  (u, first) => { u.id_num = first.id_num; }, // a duplicate of the first record's id_num
  (u, first) => { u.email = first.email.toUpperCase(); }, // a duplicate email, case-insensitive
];

const pad = (n, w) => String(n).padStart(w, "0");

/**
 * `count` users; about `bad` of them break one rule each. A non-zero `run` makes id_num,
 * card_num and email distinct from other runs that write to the same server.
 */
export function generateUsers(count, { seed = 1, bad = 0.06, run = 0, accesslevels = true } = {}) {
  const tag = run ? String(run) : "";
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const users = new Array(count);
  let badCount = 0;
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const y = 2022 + Math.floor(random() * 4);
    const m = 1 + Math.floor(random() * 12);
    const d = 1 + Math.floor(random() * 28);
    const u = {
      id_num: `E${tag}${pad(i + 1, 7)}`,
      first_name: first,
      last_name: last,
      // card_num as text mostly, sometimes as a number, as spreadsheets and forms give it
      card_num: i % 10 === 3 ? Number(`${tag}${1000000 + i}`) : `${tag}${pad(i * 7 + 13, 9)}`,
      email: `${first.toLowerCase().replace(/[^a-z]/g, "")}.${last.toLowerCase().replace(/[^a-z]/g, "")}${tag}x${i}@${pick(DOMAINS)}`,
      phone: i % 3 === 0 ? `+1 (555) ${pad(i % 1000, 3)}-${pad(i % 10000, 4)}` : undefined,
      pin: i % 2 === 0 ? pad(i % 10000, 4) : undefined,
      access_effective: i % 4 === 0 ? `${y}-${pad(m, 2)}-${pad(d, 2)}` : `${y}-${pad(m, 2)}-${pad(d, 2)} 08:00:00`,
      access_expires: i % 5 === 0 ? `${y + 1}-${pad(m, 2)}-${pad(d, 2)}T17:30:00.000Z` : `${y + 1}-${pad(m, 2)}-${pad(d, 2)} 17:30:00`,
      enabled: i % 7 === 0 ? "true" : true,
    };
    if (accesslevels) u.accesslevels = i % 2 ? [pick(LEVELS)] : [pick(LEVELS), { id: 3 }];
    for (const k of Object.keys(u)) if (u[k] === undefined) delete u[k];
    if (i > 0 && random() < bad) {
      BAD_KINDS[badCount % BAD_KINDS.length](u, users[0]);
      badCount++;
    }
    users[i] = u;
  }
  return users;
}

const CSV_FIELDS = [
  "id_num", "first_name", "last_name", "card_num", "email", "phone", "pin",
  "access_effective", "access_expires", "enabled", "accesslevels",
];

function cell(value) {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The users as a portal spreadsheet export (CRLF, a BOM, access levels joined by `;`). */
export function usersToCsv(users) {
  const lines = [CSV_FIELDS.join(",")];
  for (const u of users) {
    lines.push(
      CSV_FIELDS.map((f) =>
        f === "accesslevels"
          ? cell(u.accesslevels?.map((l) => l.id ?? l.name).join(";"))
          : cell(u[f]),
      ).join(","),
    );
  }
  return `\ufeff${lines.join("\r\n")}\r\n`;
}
