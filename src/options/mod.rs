//! Every method's options, one typed struct each, read once per call: [`reader`] refuses
//! unknown keys (naming the nearest known one) and wrong types (naming the type), tsify writes
//! their TypeScript from the same declaration. `undefined` and `null` mean "not given".
//!
//! Callbacks and the abort signal appear here as the markers [`Callback`] and [`Signal`]: the
//! struct checks that they are there and of the right type, the wasm layer keeps the values.

mod reader;

use tsify::Tsify;

pub use reader::{nearest, read, Entries, FromGiven, Given, OptionError, TextMap};

/// Declares an options struct and its reader. Each field is `name "jsName": Type`, optionally
/// `as "TypeScript type"`; every field is optional, and a key that names no field is refused.
macro_rules! options {
    ($(#[doc = $doc:literal])* $name:ident {
        $($(#[doc = $field_doc:literal])* $field:ident $key:literal: $type:ty $(as $ts:literal)?,)*
    }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Tsify)]
        pub struct $name {
            $(
                $(#[doc = $field_doc])*
                #[serde(rename = $key)]
                #[tsify(optional $(, type = $ts)?)]
                pub $field: Option<$type>,
            )*
        }

        impl FromGiven for $name {
            fn from_given(given: Given) -> Result<Self, OptionError> {
                #[allow(unused_mut)]
                let mut entries = Entries::of(given, &[$($key),*])?;
                Ok($name { $($field: entries.take($key)?,)* })
            }
        }
    };
}

/// Declares a marker for a JS value that stays on the JS side: reading it checks its type.
macro_rules! marker {
    ($(#[doc = $doc:literal])* $name:ident, $given:ident, $what:literal) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $name;

        impl FromGiven for $name {
            fn from_given(given: Given) -> Result<Self, OptionError> {
                match given {
                    Given::$given => Ok($name),
                    other => Err(OptionError::expected($what, &other)),
                }
            }
        }
    };
}

marker!(
    /// A JS function given as an option.
    Callback,
    Function,
    "a function"
);
marker!(
    /// An `AbortSignal` given as an option.
    Signal,
    Signal,
    "an AbortSignal"
);

options! {
    /// Options every call takes.
    CallOptions {
        /// Aborts the call.
        signal "signal": Signal as "AbortSignal",
    }
}

options! {
    /// Options of `users.save` and `users.apply`.
    SaveUsersOptions {
        /// Update users matched by `id_num` or email instead of ignoring them. Default false
        /// (`users.apply` always updates).
        update_existing "updateExisting": bool,
        /// Fail a whole call when one record is invalid, and send nothing when any record fails
        /// client-side validation. Default true.
        validate_fails_batch "validateFailsBatch": bool,
        /// Replace the users' access levels instead of adding to them. Default true.
        replace_privileges "replacePrivileges": bool,
        /// Aborts the run between calls.
        signal "signal": Signal as "AbortSignal",
        /// Called after each call of the run. A throwing callback does not stop the run.
        on_progress "onProgress": Callback as "(progress: BatchProgress) => void",
    }
}

options! {
    /// Options of `doors.create`, `fobs.create`, `fobs.reassign` and `credentials.reissue`.
    WriteOptions {
        /// Fail a whole call when one record is invalid, and send nothing when any record fails
        /// client-side validation. Default true.
        validate_fails_batch "validateFailsBatch": bool,
        /// Aborts the run between calls.
        signal "signal": Signal as "AbortSignal",
        /// Called after each call of the run. A throwing callback does not stop the run.
        on_progress "onProgress": Callback as "(progress: BatchProgress) => void",
    }
}

options! {
    /// Options of `events.tail`.
    TailOptions {
        /// Start after this event id (a saved cursor; 0 is the whole log the server keeps).
        /// Default: after the newest event now.
        after "after": EventCursor as "number",
        /// Time between polls when there is nothing new, in ms. Default 2000.
        interval_ms "intervalMs": f64,
        /// Ends the iteration.
        signal "signal": Signal as "AbortSignal",
        /// Called when events were lost between two polls (the server keeps only the newest 5,000).
        on_gap "onGap": Callback as "(gap: EventGap) => void",
    }
}

options! {
    /// Options of `users.assignAccessLevels`.
    AssignOptions {
        /// Replace the user's access levels instead of adding to them. Default false.
        replace "replace": bool,
        /// Aborts the call.
        signal "signal": Signal as "AbortSignal",
    }
}

options! {
    /// Options of `users.disable`.
    DisableOptions {
        /// When access ends: a Date, epoch ms, or `YYYY-MM-DD HH:MM:SS`. Default now (UTC).
        at "at": Moment as "Date | number | string",
        /// Aborts the call.
        signal "signal": Signal as "AbortSignal",
    }
}

options! {
    /// Options of `users.plan`.
    PlanOptions {
        /// The field pairing roster rows with live users. Default `id_num`.
        key "key": RosterKey as "\"id_num\" | \"email\"",
        /// Plan to disable live users (with the key) that are missing from the roster. Default false.
        disable_missing "disableMissing": bool,
        /// Aborts the call.
        signal "signal": Signal as "AbortSignal",
    }
}

/// The fields the API matches users by, for `users.plan`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum RosterKey {
    #[default]
    IdNum,
    Email,
}

impl RosterKey {
    /// The field's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RosterKey::IdNum => "id_num",
            RosterKey::Email => "email",
        }
    }
}

impl FromGiven for RosterKey {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        match given {
            Given::Text(t) if t == "id_num" => Ok(RosterKey::IdNum),
            Given::Text(t) if t == "email" => Ok(RosterKey::Email),
            Given::Text(_) => Err(OptionError::expected(ROSTER_KEYS, &Given::Other("another string"))),
            other => Err(OptionError::expected(ROSTER_KEYS, &other)),
        }
    }
}

const ROSTER_KEYS: &str = "one of \"id_num\", \"email\"";

/// An event id to read after: a whole number >= 0, or its digit text (a cursor saved as text).
/// `events.after(id)` and `events.tail({ after })` accept the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventCursor(pub u64);

impl EventCursor {
    /// The cursor a JS number or digit text stands for.
    pub fn parse(number: Option<f64>, text: Option<&str>) -> Option<EventCursor> {
        match (number, text) {
            (Some(n), _) if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) => Some(EventCursor(n as u64)),
            (_, Some(t)) => t.trim().parse().ok().map(EventCursor),
            _ => None,
        }
    }
}

impl FromGiven for EventCursor {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        let cursor = match &given {
            Given::Number(n) => EventCursor::parse(Some(*n), None),
            Given::Text(t) => EventCursor::parse(None, Some(t)),
            _ => None,
        };
        cursor.ok_or_else(|| OptionError::expected("an event id: a whole number >= 0 or its digit text", &given))
    }
}

/// A moment as the caller gave it: epoch milliseconds (a `Date` arrives as its time) or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Moment {
    EpochMs(f64),
    Text(String),
}

impl FromGiven for Moment {
    fn from_given(given: Given) -> Result<Self, OptionError> {
        match given {
            Given::Number(ms) => Ok(Moment::EpochMs(ms)),
            Given::Date(ms) if ms.is_finite() => Ok(Moment::EpochMs(ms)),
            Given::Text(t) => Ok(Moment::Text(t)),
            other => Err(OptionError::expected("a Date, epoch milliseconds or YYYY-MM-DD HH:MM:SS", &other)),
        }
    }
}

options! {
    /// Settings for a `LocktClient`.
    LocktClientOptions {
        /// The `apiuser` credential. Required unless `baseUrl` is a path on the page's own origin
        /// (a server-side proxy that adds the credentials).
        api_user "apiUser": String,
        /// The `apikey` credential. Kept inside the module: never in messages, logs, `toString`
        /// or `JSON.stringify` of the client.
        api_key "apiKey": String,
        /// Default `https://cloudapi.lockt.com/api/v1`. Must be HTTPS, except for a loopback host
        /// (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`: the sandbox); in a page, a path such
        /// as `/lockt` targets a same-origin proxy. No query, fragment or backslash.
        base_url "baseUrl": String,
        /// Time allowed for one request, body included. Default 30000.
        timeout_ms "timeoutMs": f64,
        /// Retries of a read after a network error, 502, 503 or 504. Default 2. A 429 is not a
        /// fault: it is waited out within `rateLimit.maxWaitMs`.
        max_retries "maxRetries": u32,
        /// Extra headers for every request (not `apiuser`, `apikey` or `Content-Type`).
        headers "headers": TextMap as "Record<string, string>",
        /// How long to wait for the API's write slot when it answers 429 (another writer of the
        /// tenant is busy). Default `{ maxWaitMs: 300000 }`.
        rate_limit "rateLimit": RateLimitOptions,
        /// Functions told about every request, answer and retry (for logging and tracing). They
        /// never see the apikey, and what they throw is ignored.
        hooks "hooks": LocktHooks,
    }
}

options! {
    /// The patience for 429 answers.
    RateLimitOptions {
        /// The longest one request waits in total, across its 429 answers, before it fails with
        /// `rate_limited` (a batch run then stops, its unsent records `notSent`). Default 300000
        /// (5 minutes); 0 fails at the first 429.
        max_wait_ms "maxWaitMs": f64,
    }
}

options! {
    /// Functions told about every request; each is optional, and a hook that throws (or rejects)
    /// never fails the call.
    LocktHooks {
        /// Before each send (resends included).
        request "request": Callback as "(event: LocktRequestEvent) => void",
        /// After each send: the status, or the error kind when no answer came, and the duration.
        response "response": Callback as "(event: LocktResponseEvent) => void",
        /// Before each wait for a resend: after a 429, or a read's network error or 502/503/504.
        retry "retry": Callback as "(event: LocktRetryEvent) => void",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn object(entries: &[(&str, Given)]) -> Given {
        Given::Object(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn message<T: FromGiven + std::fmt::Debug>(given: Given) -> String {
        let e = read::<T>(given, "m").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        e.message
    }

    #[test]
    fn an_unknown_key_names_the_nearest_known_one() {
        let m = message::<SaveUsersOptions>(object(&[("updateExsting", Given::Bool(true))]));
        assert_eq!(m, "m: unknown option `updateExsting`; did you mean `updateExisting`?");
        let m = message::<TailOptions>(object(&[("afer", Given::Number(5.0))]));
        assert_eq!(m, "m: unknown option `afer`; did you mean `after`?");
        let m = message::<CallOptions>(object(&[("colour", Given::Null)]));
        assert_eq!(m, "m: unknown option `colour`; the options are `signal`");
        let m = message::<LocktClientOptions>(object(&[("rateLimit", object(&[("maxWait", Given::Number(1.0))]))]));
        assert_eq!(m, "m: unknown option `rateLimit.maxWait`; did you mean `rateLimit.maxWaitMs`?");
    }

    #[test]
    fn a_wrong_type_names_the_option_and_the_type_without_the_value() {
        let m = message::<LocktClientOptions>(object(&[("timeoutMs", Given::Text("3000".into()))]));
        assert_eq!(m, "m: option `timeoutMs` must be a number, got a string");
        let m = message::<LocktClientOptions>(object(&[("maxRetries", Given::Number(-1.0))]));
        assert_eq!(m, "m: option `maxRetries` must be a whole number >= 0, got a negative number");
        let m = message::<LocktClientOptions>(object(&[("headers", object(&[("x-a", Given::Number(1.0))]))]));
        assert_eq!(m, "m: option `headers.x-a` must be a string, got a number");
        let m = message::<LocktClientOptions>(object(&[("hooks", object(&[("request", Given::Text("log".into()))]))]));
        assert_eq!(m, "m: option `hooks.request` must be a function, got a string");
        let m = message::<SaveUsersOptions>(object(&[("updateExisting", Given::Text("yes".into()))]));
        assert_eq!(m, "m: option `updateExisting` must be true or false, got a string");
        let m = message::<SaveUsersOptions>(object(&[("signal", Given::Object(vec![]))]));
        assert_eq!(m, "m: option `signal` must be an AbortSignal, got an object");
        let m = message::<PlanOptions>(object(&[("key", Given::Text("card_num".into()))]));
        assert_eq!(m, "m: option `key` must be one of \"id_num\", \"email\", got another string");
        let m = message::<DisableOptions>(object(&[("at", Given::Bool(true))]));
        assert_eq!(m, "m: option `at` must be a Date, epoch milliseconds or YYYY-MM-DD HH:MM:SS, got a boolean");
        let m = message::<TailOptions>(object(&[("after", Given::Number(-3.0))]));
        assert_eq!(m, "m: option `after` must be an event id: a whole number >= 0 or its digit text, got a negative number");
        assert_eq!(message::<CallOptions>(Given::Other("an array")), "m: options must be an object, got an array");
    }

    #[test]
    fn undefined_and_null_are_not_given() {
        let o: SaveUsersOptions = read(object(&[("updateExisting", Given::Undefined), ("signal", Given::Null)]), "m").unwrap();
        assert_eq!((o.update_existing, o.signal), (None, None));
        let o: TailOptions = read(Given::Null, "m").unwrap();
        assert_eq!(o.after, None);
    }

    #[test]
    fn good_options_are_read() {
        let o: TailOptions = read(object(&[("after", Given::Text("0".into())), ("intervalMs", Given::Number(5.0)), ("onGap", Given::Function)]), "m").unwrap();
        assert_eq!((o.after, o.interval_ms, o.on_gap), (Some(EventCursor(0)), Some(5.0), Some(Callback)));
        let o: PlanOptions = read(object(&[("key", Given::Text("email".into())), ("signal", Given::Signal)]), "m").unwrap();
        assert_eq!((o.key, o.signal), (Some(RosterKey::Email), Some(Signal)));
        let o: DisableOptions = read(object(&[("at", Given::Date(0.0))]), "m").unwrap();
        assert_eq!(o.at, Some(Moment::EpochMs(0.0)));
        let o: LocktClientOptions = read(object(&[("headers", object(&[("x-a", Given::Text("1".into()))])), ("maxRetries", Given::Number(3.0))]), "m").unwrap();
        assert_eq!((o.headers.unwrap()["x-a"].as_str(), o.max_retries), ("1", Some(3)));
    }
}
