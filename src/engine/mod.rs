//! The engine: every decision of the client, in pure Rust over a small async [`Transport`].
//!
//! A call reads straight through: the bindings convert the caller's values (a write's records
//! arrive validated, each as its wire text: [`writes::CheckedRecords`]), [`cases`] (or
//! [`writes::run`] for the simple writes) resolves and plans, [`writes`] sends blocks of at
//! most 100 through [`retry::call`], reconciles what went unanswered by reading back, and
//! settles every input record in a [`crate::batch::BatchReport`]. [`tail`] follows the event
//! log and [`roster`] plans a sync. The wasm bindings implement [`Transport`] with `fetch`,
//! timers and Web Locks; the native tests with a scripted server and a fake clock.

pub mod cases;
pub mod clock;
pub mod retry;
pub mod roster;
pub mod tail;
pub mod transport;
pub mod writes;

#[cfg(test)]
mod tests;

pub use transport::{Reply, RetryPolicy, Transport};
