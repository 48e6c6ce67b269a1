//! Each record's field list is written once: the validators' `Kind::FIELDS`, which the field
//! tape, the CSV columns and the Standard Schemas read too. The other forms of a record are
//! types of their own, so these tests hold each one to that list:
//!
//! - the input type callers pass (`UserInput`) and the wire type the validators produce
//!   (`WireUser`) have exactly its fields, in its order;
//! - the read type (`User`) has all of them (and may add fields the server assigns);
//! - the batch engine's read-back compares only fields of the read type, and leaves out of the
//!   comparison (or the keys it finds records by) only the fields named here as not compared.
//!
//! The fields of a type are read from its tsify declaration, which is both its serde names and
//! the TypeScript the package ships. tests/node/field-lists.test.mjs holds the packed typings
//! and the portal's user form to the validators of the built package.

use std::collections::BTreeMap;

use tsify::Tsify;

use crate::batch::{ReadBackSpec, DOOR_READ_BACK, FOB_READ_BACK, FOB_REASSIGN_READ_BACK, USER_READ_BACK};
use crate::csv_import::parse_users_csv;
use crate::model::{Credential, CredentialReissue, Door, DoorInput, Fob, FobAssignment, FobInput, User, UserInput};
use crate::validate::{CredentialReissues, Doors, FobAssignments, Fobs, Kind, Users, WireCredentialReissue, WireDoor, WireFob, WireFobAssignment, WireUser};

/// The forms of one record kind, to check against its canonical list.
struct Forms {
    /// The record kind, for messages.
    name: &'static str,
    /// The one list: the validators' known fields.
    canonical: &'static [&'static str],
    /// The input type's tsify declaration.
    input: &'static str,
    /// The wire type's tsify declaration.
    wire: &'static str,
    /// The declaration of the type the API's reads return.
    read: &'static str,
    /// How a write of this kind is read back, and the canonical fields it deliberately does
    /// not compare (the batch module documents why).
    read_back: Option<(ReadBackSpec, &'static [&'static str])>,
}

/// The field names of a tsify declaration (`export interface X { name?: type; ... }`), in order.
fn declared_fields(decl: &str) -> Vec<&str> {
    decl.lines()
        .filter_map(|line| line.strip_prefix("    ").filter(|l| !l.starts_with([' ', '/', '*'])))
        .filter_map(|member| member.split_once(':').map(|(name, _)| name.trim_end_matches('?')))
        .collect()
}

/// Holds each form of one record kind to its canonical list.
fn check(forms: &Forms) {
    let Forms { name, canonical, .. } = forms;
    for (form, decl) in [("input", forms.input), ("wire", forms.wire)] {
        assert_eq!(declared_fields(decl), *canonical, "{name}: the {form} type's fields are not the validators' list");
    }
    let read = declared_fields(forms.read);
    let unread: Vec<_> = canonical.iter().filter(|f| !read.contains(f)).collect();
    assert!(unread.is_empty(), "{name}: the read type lacks {unread:?}; add them to it, or say here why they are write-only");
    if let Some((spec, not_compared)) = &forms.read_back {
        let unknown: Vec<_> = spec.readable.iter().chain(spec.keys).filter(|f| !read.contains(f)).collect();
        assert!(unknown.is_empty(), "{name}: read-back compares {unknown:?}, which reads do not return");
        let forgotten: Vec<_> = canonical.iter().filter(|f| ![spec.readable, spec.keys, not_compared].iter().any(|list| list.contains(*f))).collect();
        assert!(forgotten.is_empty(), "{name}: read-back neither compares nor deliberately skips {forgotten:?}");
    }
}

#[test]
fn users() {
    check(&Forms {
        name: "user",
        canonical: Users::FIELDS,
        input: UserInput::DECL,
        wire: WireUser::DECL,
        read: User::DECL,
        read_back: Some((USER_READ_BACK, &["id", "credential_key", "pin", "accesslevels"])),
    });
}

#[test]
fn fobs() {
    check(&Forms { name: "fob", canonical: Fobs::FIELDS, input: FobInput::DECL, wire: WireFob::DECL, read: Fob::DECL, read_back: Some((FOB_READ_BACK, &[])) });
}

#[test]
fn fob_assignments() {
    check(&Forms {
        name: "fob assignment",
        canonical: FobAssignments::FIELDS,
        input: FobAssignment::DECL,
        wire: WireFobAssignment::DECL,
        read: Fob::DECL,
        read_back: Some((FOB_REASSIGN_READ_BACK, &["user_id"])),
    });
}

#[test]
fn doors() {
    check(&Forms { name: "door", canonical: Doors::FIELDS, input: DoorInput::DECL, wire: WireDoor::DECL, read: Door::DECL, read_back: Some((DOOR_READ_BACK, &[])) });
}

#[test]
fn credential_reissues() {
    check(&Forms {
        name: "credential reissue",
        canonical: CredentialReissues::FIELDS,
        input: CredentialReissue::DECL,
        wire: WireCredentialReissue::DECL,
        read: Credential::DECL,
        read_back: None,
    });
}

/// The CSV import takes a column for every user field (it reads the same list).
#[test]
fn csv_columns() {
    let import = parse_users_csv(&Users::FIELDS.join(","), &BTreeMap::new());
    assert_eq!(import.issues, [], "a CSV header of every user field");
}

/// The reader of tsify declarations sees every member, and no comment.
#[test]
fn declared_fields_reads_members_only() {
    assert_eq!(declared_fields(FobAssignment::DECL), ["id", "user_id", "access_effective", "access_expires"]);
}
