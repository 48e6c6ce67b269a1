//! The rules of each record type, and the keys that must not repeat within one input.

use std::borrow::Cow;

use super::fields::Fields;
use super::wire::{WireCredentialReissue, WireDoor, WireFob, WireFobAssignment, WireUser};
use super::IssueCode;

/// A value that must be unique within one input: (field, comparison key, value as given).
pub type UniqueKey<'a> = (&'static str, Cow<'a, str>, Cow<'a, str>);

/// The fields of a user, in the reference's order.
pub const USER_FIELDS: &[&str] =
    &["id", "id_num", "first_name", "last_name", "card_num", "credential_key", "email", "phone", "pin", "access_effective", "access_expires", "enabled", "accesslevels"];
/// The fields of a new fob.
pub(super) const FOB_FIELDS: &[&str] = &["id_num", "name", "card_num", "access_effective", "access_expires"];
/// The fields of a fob reassignment.
pub(super) const FOB_ASSIGNMENT_FIELDS: &[&str] = &["id", "user_id", "access_effective", "access_expires"];
/// The fields of a new door.
pub(super) const DOOR_FIELDS: &[&str] = &["name"];
/// The fields of a credential reissue.
pub(super) const CREDENTIAL_REISSUE_FIELDS: &[&str] = &["id"];

/// A user; requires at least one of first_name, last_name and id_num (issue on first_name).
pub(super) fn user<'a>(f: &mut Fields<'_, 'a>) -> WireUser<'a> {
    let id = f.id("id");
    let user = WireUser {
        id: f.keep_number("id", id),
        id_num: f.text("id_num", 64, true),
        first_name: f.text("first_name", 100, false),
        last_name: f.text("last_name", 100, false),
        card_num: f.digits("card_num", 32),
        credential_key: f.text("credential_key", 64, false),
        email: f.email("email"),
        phone: f.phone("phone", 32),
        pin: f.digits("pin", 16),
        access_effective: f.date("access_effective"),
        access_expires: f.date("access_expires"),
        enabled: f.flag("enabled"),
        accesslevels: f.accesslevels("accesslevels"),
    };
    if !["first_name", "last_name", "id_num"].iter().any(|k| f.has(k)) {
        let message = "User requires first_name, last_name or id_num".to_owned();
        f.push("first_name", IssueCode::Required, message);
    }
    f.date_order(&user.access_effective, &user.access_expires);
    user
}

/// A user's id_num, email (case-insensitive) and card_num.
pub(super) fn user_keys<'a>(u: &WireUser<'a>, keys: &mut Vec<UniqueKey<'a>>) {
    push_key(keys, "id_num", u.id_num.as_ref(), Cow::clone);
    push_key(keys, "email", u.email.as_ref(), ascii_lowercase);
    push_key(keys, "card_num", u.card_num.as_ref(), Cow::clone);
}

/// A new fob; requires card_num, and name or id_num (issue on name).
pub(super) fn fob<'a>(f: &mut Fields<'_, 'a>) -> WireFob<'a> {
    let fob = WireFob {
        id_num: f.text("id_num", 64, true),
        name: f.text("name", 100, false),
        card_num: f.digits("card_num", 32).unwrap_or_default(),
        access_effective: f.date("access_effective"),
        access_expires: f.date("access_expires"),
    };
    if !f.has("name") && !f.has("id_num") {
        f.push("name", IssueCode::Required, "Fob requires name or id_num".to_owned());
    }
    if !f.has("card_num") {
        f.push("card_num", IssueCode::Required, "Fob requires card_num".to_owned());
    }
    f.date_order(&fob.access_effective, &fob.access_expires);
    fob
}

/// A fob's card_num and id_num.
pub(super) fn fob_keys<'a>(fob: &WireFob<'a>, keys: &mut Vec<UniqueKey<'a>>) {
    push_key(keys, "card_num", Some(&fob.card_num), Cow::clone);
    push_key(keys, "id_num", fob.id_num.as_ref(), Cow::clone);
}

/// A fob reassignment; requires id and user_id, sent as digit text.
pub(super) fn fob_assignment<'a>(f: &mut Fields<'_, 'a>) -> WireFobAssignment<'a> {
    let id = required_id(f, "id", "Fob assignment").map(id_text);
    let user_id = required_id(f, "user_id", "Fob assignment").map(id_text);
    let assignment = WireFobAssignment {
        id: f.keep_text("id", id).unwrap_or_default(),
        user_id: f.keep_text("user_id", user_id).unwrap_or_default(),
        access_effective: f.date("access_effective"),
        access_expires: f.date("access_expires"),
    };
    f.date_order(&assignment.access_effective, &assignment.access_expires);
    assignment
}

/// The fob being reassigned.
pub(super) fn fob_assignment_keys<'a>(a: &WireFobAssignment<'a>, keys: &mut Vec<UniqueKey<'a>>) {
    push_key(keys, "id", Some(&a.id), Cow::clone);
}

/// A new door; requires a name.
pub(super) fn door<'a>(f: &mut Fields<'_, 'a>) -> WireDoor<'a> {
    let name = f.text("name", 100, false);
    if !f.has("name") {
        f.push("name", IssueCode::Required, "Door name is required".to_owned());
    }
    WireDoor { name: name.unwrap_or_default() }
}

/// A door's name, case-insensitive.
pub(super) fn door_keys<'a>(d: &WireDoor<'a>, keys: &mut Vec<UniqueKey<'a>>) {
    push_key(keys, "name", Some(&d.name), |name| Cow::Owned(super::lowercase::to_lowercase(name)));
}

/// A credential reissue; requires id.
pub(super) fn credential_reissue(f: &mut Fields) -> WireCredentialReissue {
    let id = required_id(f, "id", "Credential reissue");
    WireCredentialReissue { id: f.keep_number("id", id).unwrap_or_default() }
}

/// The credential being reissued.
pub(super) fn credential_reissue_keys<'a>(c: &WireCredentialReissue, keys: &mut Vec<UniqueKey<'a>>) {
    let id = id_text(c.id);
    push_key(keys, "id", Some(&id).filter(|_| c.id > 0), Cow::clone);
}

/// A positive id, `None` after recording its issue.
fn required_id(f: &mut Fields, field: &'static str, what: &str) -> Option<u64> {
    if !f.has(field) {
        f.push(field, IssueCode::Required, format!("{what} requires {field}"));
    }
    f.id(field)
}

/// Adds `value` as a unique key of `field` unless it is absent or blank.
fn push_key<'a>(keys: &mut Vec<UniqueKey<'a>>, field: &'static str, value: Option<&Cow<'a, str>>, fold: fn(&Cow<'a, str>) -> Cow<'a, str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        keys.push((field, fold(v), v.clone()));
    }
}

/// Text with ASCII letters in lower case, borrowed when it has no upper case letter.
fn ascii_lowercase<'a>(text: &Cow<'a, str>) -> Cow<'a, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        text.clone()
    }
}

/// An id in decimal, as digit text.
fn id_text<'a>(id: u64) -> Cow<'a, str> {
    let mut text = String::new();
    super::input::push_uint(&mut text, id);
    Cow::Owned(text)
}
