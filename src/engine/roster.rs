//! Roster sync: compare a desired roster with the live users and plan the writes that make
//! the live list match. Planning writes nothing; `users.apply` carries a plan out.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

use super::cases::sort_stably_by_key;
use crate::batch::comparable_time;
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
    let mut by_key: BTreeMap<String, &User> = BTreeMap::new();
    for user in live {
        if let Some(k) = live_text(user, key).filter(|k| !k.is_empty()) {
            by_key.entry(normal_key(key, &k)).or_insert(user);
        }
    }
    let mut plan = SyncPlan { key: key.to_string(), ..SyncPlan::default() };
    let mut seen = BTreeSet::new();
    for (index, record) in roster {
        let Some(k) = record.get(key).and_then(Value::as_str).map(|k| normal_key(key, k)).filter(|k| !k.is_empty()) else {
            problems.push(PlanProblem { index: *index, row: None, messages: vec![format!("Missing {key}: the roster's key")] });
            continue;
        };
        if !seen.insert(k.clone()) {
            problems.push(PlanProblem { index: *index, row: None, messages: vec![format!("Duplicate {key} in the roster: {k}")] });
            continue;
        }
        match by_key.get(&k) {
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
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
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

/// A live user's field as text (`enabled` as `true`/`false`).
fn live_text(user: &User, field: &str) -> Option<String> {
    let v = serde_json::to_value(user).ok()?;
    v.get(field).and_then(scalar_text)
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
    fn access_levels_compare_as_sets() {
        let live = [user(json!({"id": 1, "id_num": "A", "accesslevels": [{"id": 2, "name": "x"}, {"id": 1}]}))];
        let same = vec![(0, json!({"id_num": "A", "accesslevels": [{"id": 1}, {"id": 2}]}))];
        assert!(plan("id_num", &same, vec![], &live, false, "2026-01-01 00:00:00").is_empty());
        let other = vec![(0, json!({"id_num": "A", "accesslevels": [{"id": 3}]}))];
        assert_eq!(plan("id_num", &other, vec![], &live, false, "2026-01-01 00:00:00").update[0].changes[0].to, "3");
    }
}
