//! Roster sync: compare a desired roster with the live users and plan the writes that make
//! the live list match. Planning writes nothing; `users.apply` carries a plan out.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

use super::cases::{put_in_order, sort_stably_by_key, stable_order};
use crate::batch::comparable_time;
use crate::json::{FromJson, JsonError, Reader};
use crate::model::{scalar_text, User};
use crate::validate::normalize_time;

/// A change of one field of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct FieldChange {
    /// The field's wire name.
    pub field: String,
    /// The live value, as text (`""` when not set).
    pub from: String,
    /// The roster's value, as text.
    pub to: String,
}

/// A live user the roster changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct PlannedUpdate {
    /// The live user's system id.
    pub id: u64,
    /// The record that will be sent (the roster's row in wire form).
    #[tsify(type = "WireUser")]
    pub record: Value,
    /// What changes, field by field.
    pub changes: Vec<FieldChange>,
}

/// A live user missing from the roster, to be disabled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct PlannedDisable {
    /// The live user's system id.
    pub id: u64,
    /// The record that will be sent: the user's key and names, with `access_expires` set.
    #[tsify(type = "WireUser")]
    pub record: Value,
}

/// A roster row that cannot be planned, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
pub struct PlanProblem {
    /// The row's index in the roster.
    pub index: usize,
    /// The spreadsheet row, when the roster came from `parseUsersCsv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub row: Option<usize>,
    /// What is wrong.
    pub messages: Vec<String>,
}

/// What `users.apply` will do to make the live users match a roster.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
pub struct SyncPlan {
    /// The field that pairs roster rows with live users: `id_num` or `email`.
    #[tsify(type = "\"id_num\" | \"email\"")]
    pub key: String,
    /// Users to create (wire form).
    #[tsify(type = "WireUser[]")]
    pub create: Vec<Value>,
    /// Users to update.
    pub update: Vec<PlannedUpdate>,
    /// Live users to disable (only with `disableMissing`).
    pub disable: Vec<PlannedDisable>,
    /// How many roster rows already match their live user.
    pub unchanged: usize,
    /// Rows left out of the plan: invalid, or repeating a key.
    pub problems: Vec<PlanProblem>,
}

impl SyncPlan {
    /// Whether applying the plan would write nothing.
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.disable.is_empty()
    }

    /// The records `users.apply` sends, in order: creates, updates, disables.
    pub fn records(&self) -> Vec<Value> {
        let updates = self.update.iter().map(|u| u.record.clone());
        let disables = self.disable.iter().map(|d| d.record.clone());
        self.create.iter().cloned().chain(updates).chain(disables).collect()
    }
}

/// Plans the sync of `roster` (valid rows in wire form, by roster index) onto `live`.
/// `key` is `id_num` or `email`; `now` is `YYYY-MM-DD HH:MM:SS`, used as the disable time
/// and to tell users already disabled.
pub fn plan(key: &str, roster: &[(usize, Value)], mut problems: Vec<PlanProblem>, live: &[User], disable_missing: bool, now: &str) -> SyncPlan {
    // The live users by key, in key order; the first of users sharing a key.
    let mut by_key: Vec<(String, &User)> = live.iter().filter_map(|user| Some((normal_key(key, &live_text(user, key).filter(|k| !k.is_empty())?), user))).collect();
    let order = stable_order(by_key.len(), &|a, b| by_key[a].0.cmp(&by_key[b].0));
    put_in_order(&mut by_key, order);
    by_key.dedup_by(|later, first| later.0 == first.0);
    let live_user = |k: &str| by_key.binary_search_by(|(live, _)| live.as_str().cmp(k)).ok().map(|i| by_key[i].1);
    // The roster's keys, and the first row of each, as `seen` tells.
    let keys: Vec<Option<String>> = roster.iter().map(|(_, record)| record.get(key).and_then(Value::as_str).map(|k| normal_key(key, k)).filter(|k| !k.is_empty())).collect();
    let seen = Seen::new(&keys);
    let mut plan = SyncPlan { key: key.to_string(), ..SyncPlan::default() };
    for (((index, record), k), first) in roster.iter().zip(&keys).zip(&seen.first) {
        let Some(k) = k else {
            problems.push(PlanProblem { index: *index, row: None, messages: vec![format!("Missing {key}: the roster's key")] });
            continue;
        };
        if !first {
            problems.push(PlanProblem { index: *index, row: None, messages: vec![format!("Duplicate {key} in the roster: {k}")] });
            continue;
        }
        match live_user(k) {
            None => plan.create.push(record.clone()),
            Some(user) => {
                let changes = changes(record, user);
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(PlannedUpdate { id: user.id, record: record.clone(), changes });
                }
            }
        }
    }
    if disable_missing {
        for (k, user) in &by_key {
            let expired = user.access_expires.as_deref().and_then(|t| normalize_time(t).ok().flatten()).is_some_and(|t| t.as_ref() <= now);
            if !seen.contains(k) && !expired {
                plan.disable.push(PlannedDisable { id: user.id, record: disable_record(user, key, now) });
            }
        }
    }
    sort_stably_by_key(&mut problems, |p| p.index as u64);
    plan.problems = problems;
    plan
}

// A plan comes back from JS as JSON text (`users.apply`): read as its serde derive reads it.

impl FromJson for SyncPlan {
    fn read(r: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut plan = SyncPlan::default();
        let fields = [("key", true), ("create", true), ("update", true), ("disable", true), ("unchanged", true), ("problems", true)];
        r.record("SyncPlan", &fields, &mut |r, i| {
            match i {
                0 => plan.key = r.string()?,
                1 => plan.create = FromJson::read(r)?,
                2 => plan.update = FromJson::read(r)?,
                3 => plan.disable = FromJson::read(r)?,
                4 => plan.unchanged = FromJson::read(r)?,
                _ => plan.problems = FromJson::read(r)?,
            }
            Ok(())
        })?;
        Ok(plan)
    }
}

impl FromJson for PlannedUpdate {
    fn read(r: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut update = PlannedUpdate { id: 0, record: Value::Null, changes: Vec::new() };
        r.record("PlannedUpdate", &[("id", true), ("record", true), ("changes", true)], &mut |r, i| {
            match i {
                0 => update.id = FromJson::read(r)?,
                1 => update.record = r.value()?,
                _ => update.changes = FromJson::read(r)?,
            }
            Ok(())
        })?;
        Ok(update)
    }
}

impl FromJson for FieldChange {
    fn read(r: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut change = FieldChange { field: String::new(), from: String::new(), to: String::new() };
        r.record("FieldChange", &[("field", true), ("from", true), ("to", true)], &mut |r, i| {
            let text = r.string()?;
            match i {
                0 => change.field = text,
                1 => change.from = text,
                _ => change.to = text,
            }
            Ok(())
        })?;
        Ok(change)
    }
}

impl FromJson for PlannedDisable {
    fn read(r: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut disable = PlannedDisable { id: 0, record: Value::Null };
        r.record("PlannedDisable", &[("id", true), ("record", true)], &mut |r, i| {
            match i {
                0 => disable.id = FromJson::read(r)?,
                _ => disable.record = r.value()?,
            }
            Ok(())
        })?;
        Ok(disable)
    }
}

impl FromJson for PlanProblem {
    fn read(r: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut problem = PlanProblem { index: 0, row: None, messages: Vec::new() };
        // `row` has a default: it may be left out, of an object or an array.
        r.record("PlanProblem", &[("index", true), ("row", false), ("messages", true)], &mut |r, i| {
            match i {
                0 => problem.index = FromJson::read(r)?,
                1 => problem.row = FromJson::read(r)?,
                _ => problem.messages = FromJson::read(r)?,
            }
            Ok(())
        })?;
        Ok(problem)
    }
}

/// The keys a roster gives: which rows are the first with their key, and the set of keys.
struct Seen<'a> {
    /// For each row: whether it has a key no earlier row has.
    first: Vec<bool>,
    /// The distinct keys, sorted.
    sorted: Vec<&'a str>,
}

impl<'a> Seen<'a> {
    fn new(keys: &'a [Option<String>]) -> Self {
        let mut first = vec![false; keys.len()];
        let mut sorted: Vec<&str> = Vec::new();
        let order = stable_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
        for row in order {
            let Some(k) = keys[row].as_deref() else { continue };
            if sorted.last() != Some(&k) {
                sorted.push(k);
                first[row] = true;
            }
        }
        Seen { first, sorted }
    }

    fn contains(&self, key: &str) -> bool {
        self.sorted.binary_search(&key).is_ok()
    }
}

/// The changes the roster record makes to the live user, for the fields the record gives.
fn changes(record: &Value, user: &User) -> Vec<FieldChange> {
    let Value::Object(fields) = record else { return Vec::new() };
    let mut out = Vec::new();
    for (field, value) in fields {
        let (from, to) = if field == "accesslevels" {
            (level_ids(user.accesslevels.iter().map(|l| l.id)), level_ids(value.as_array().into_iter().flatten().filter_map(|l| l.get("id")?.as_u64())))
        } else if field == "id" {
            continue;
        } else {
            (comparable(field, &live_text(user, field).unwrap_or_default()), comparable(field, &scalar_text(value).unwrap_or_default()))
        };
        if from != to {
            out.push(FieldChange { field: field.clone(), from, to });
        }
    }
    out
}

fn level_ids(ids: impl Iterator<Item = u64>) -> String {
    let mut ids: Vec<u64> = ids.collect();
    sort_stably_by_key(&mut ids, |id| *id);
    ids.dedup();
    crate::api::joined(ids.iter().map(u64::to_string), ",")
}

/// A field's value in a form that compares equal when the API would hold the same thing.
fn comparable(field: &str, value: &str) -> String {
    let value = value.trim();
    match field {
        "access_effective" | "access_expires" => comparable_time(value),
        "email" => value.to_ascii_lowercase(),
        _ => value.to_string(),
    }
}

fn normal_key(key: &str, value: &str) -> String {
    comparable(key, value)
}

/// A live user's field as text, as [`scalar_text`] gives it from the user's JSON: text
/// trimmed, `enabled` as `true`/`false`; `None` for a field not set, for `accesslevels` and
/// for names the user does not have.
fn live_text(user: &User, field: &str) -> Option<String> {
    let text = match field {
        "id" => return Some(user.id.to_string()),
        "enabled" => return user.enabled.map(|b| b.to_string()),
        "id_num" => &user.id_num,
        "first_name" => &user.first_name,
        "last_name" => &user.last_name,
        "name" => &user.name,
        "card_num" => &user.card_num,
        "credential_key" => &user.credential_key,
        "email" => &user.email,
        "phone" => &user.phone,
        "pin" => &user.pin,
        "access_effective" => &user.access_effective,
        "access_expires" => &user.access_expires,
        _ => return None,
    };
    text.as_deref().map(|t| t.trim().to_string())
}

/// The record that disables `user` at `now`: its key and names, and `access_expires`.
fn disable_record(user: &User, key: &str, now: &str) -> Value {
    let mut r = Map::new();
    for field in ["id_num", "email", "first_name", "last_name"] {
        if let Some(v) = live_text(user, field).filter(|v| !v.is_empty()) {
            if field == key || field.ends_with("_name") || field == "id_num" {
                r.insert(field.to_string(), Value::String(v));
            }
        }
    }
    r.insert("access_expires".to_string(), Value::String(now.to_string()));
    Value::Object(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(v: Value) -> User {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn creates_updates_disables_and_leaves_the_rest() {
        let live = [
            user(json!({"id": 1, "id_num": "A", "first_name": "Ann", "email": "ann@x.io", "access_expires": ""})),
            user(json!({"id": 2, "id_num": "B", "first_name": "Bob", "access_expires": "2030-01-01T00:00:00.000Z"})),
            user(json!({"id": 3, "id_num": "C", "first_name": "Cy"})),
            user(json!({"id": 4, "id_num": "D", "first_name": "Di", "access_expires": "2020-01-01T00:00:00.000Z"})),
            user(json!({"id": 5, "name": "Fob 1"})),
        ];
        let roster = vec![
            (0, json!({"id_num": "A", "first_name": "Ann", "email": "ANN@x.io", "access_expires": ""})),
            (1, json!({"id_num": "B", "first_name": "Robert", "access_expires": "2030-01-01 00:00:00"})),
            (2, json!({"id_num": "E", "first_name": "Eve"})),
            (3, json!({"id_num": "E", "first_name": "Eve again"})),
            (4, json!({"first_name": "No key"})),
        ];
        let p = plan("id_num", &roster, vec![], &live, true, "2026-11-25 12:00:00");
        assert_eq!(p.unchanged, 1);
        assert_eq!(p.update.len(), 1);
        assert_eq!(p.update[0].changes, [FieldChange { field: "first_name".into(), from: "Bob".into(), to: "Robert".into() }]);
        assert_eq!(p.create, [json!({"id_num": "E", "first_name": "Eve"})]);
        assert_eq!(p.disable.len(), 1, "C is missing; D is already expired; the fob has no key");
        assert_eq!(p.disable[0].record, json!({"id_num": "C", "first_name": "Cy", "access_expires": "2026-11-25 12:00:00"}));
        assert_eq!(p.problems.iter().map(|p| p.index).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(p.records().len(), 3);
    }

    #[test]
    fn the_first_live_user_of_a_key_is_the_one_planned() {
        let live = [
            user(json!({"id": 7, "email": "ann@x.io", "first_name": "Ann"})),
            user(json!({"id": 3, "email": "ANN@x.io ", "first_name": "Anne"})),
            user(json!({"id": 9, "email": "bo@x.io", "first_name": "Bo"})),
            user(json!({"id": 5, "email": "  ", "first_name": "Blank"})),
            user(json!({"id": 6, "first_name": "No email"})),
        ];
        let roster = vec![(0, json!({"email": "Ann@x.io", "first_name": "Annie"}))];
        let p = plan("email", &roster, vec![], &live, true, "2026-01-01 00:00:00");
        assert_eq!(p.update.iter().map(|u| u.id).collect::<Vec<_>>(), [7]);
        assert_eq!(p.disable.iter().map(|d| d.id).collect::<Vec<_>>(), [9], "a key the roster has is not disabled, nor a user without one");
    }

    #[test]
    fn a_live_users_fields_read_as_from_its_json() {
        let full = user(json!({
            "id": 12, "id_num": " A1 ", "first_name": "F", "last_name": "L", "name": "N", "card_num": 77,
            "credential_key": "K", "email": "e@x.io", "phone": "1", "pin": "0986", "access_effective": "2022-01-01 00:00:00",
            "access_expires": "2023-01-01T00:00:00.000Z", "enabled": false, "accesslevels": [{ "id": 1 }]
        }));
        let bare = user(json!({ "id": 3 }));
        for u in [&full, &bare] {
            let json = serde_json::to_value(u).unwrap();
            for field in User::DECL.lines().filter_map(|l| l.trim().split_once(':')).map(|(name, _)| name.trim_end_matches('?')).chain(["nope"]) {
                assert_eq!(live_text(u, field), json.get(field).and_then(scalar_text), "{field}");
            }
        }
    }

    #[test]
    fn access_levels_compare_as_sets() {
        let live = [user(json!({"id": 1, "id_num": "A", "accesslevels": [{"id": 2, "name": "x"}, {"id": 1}]}))];
        let same = vec![(0, json!({"id_num": "A", "accesslevels": [{"id": 1}, {"id": 2}]}))];
        assert!(plan("id_num", &same, vec![], &live, false, "2026-01-01 00:00:00").is_empty());
        let other = vec![(0, json!({"id_num": "A", "accesslevels": [{"id": 3}]}))];
        assert_eq!(plan("id_num", &other, vec![], &live, false, "2026-01-01 00:00:00").update[0].changes[0].to, "3");
    }
}
