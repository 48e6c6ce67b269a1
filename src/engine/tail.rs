//! The event tail: a cursor, events yielded once in ascending id order, gaps reported when
//! the server's 5,000-event window has moved past the cursor, and the poll loop that rides
//! out transient errors with backoff.

use std::cell::RefCell;
use std::collections::VecDeque;

use serde::Serialize;
use tsify::Tsify;

use super::cases::{keep_ascending_after, read_list};
use super::transport::Transport;
use crate::api::{self, ApiRequest};
use crate::error::{Error, ErrorKind};
use crate::model::Event;

/// How many events the API keeps and returns at most.
pub const EVENT_WINDOW: usize = 5_000;

/// Event ids the tail could not read: the server's window had already moved past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
pub struct EventGap {
    /// The first id that may have been lost.
    pub from: u64,
    /// The last id that may have been lost.
    pub to: u64,
}

/// The tail's state between polls.
#[derive(Debug, Default)]
pub struct TailState {
    /// The id of the last event handed out (the resume point).
    pub cursor: u64,
    buffer: VecDeque<Event>,
}

impl TailState {
    /// A tail that hands out events after `cursor`.
    pub fn new(cursor: u64) -> Self {
        TailState { cursor, buffer: VecDeque::new() }
    }

    /// Takes in one poll's answer (`GET /events?id=<cursor>`): keeps the events after the
    /// cursor and after anything already buffered, in ascending order, each once. Returns
    /// the gap when the answer is a full window whose oldest event is not the next id.
    pub fn absorb(&mut self, mut events: Vec<Event>) -> Option<EventGap> {
        let full = events.len() >= EVENT_WINDOW;
        let floor = self.buffer.back().map_or(self.cursor, |e| e.id);
        keep_ascending_after(&mut events, floor);
        let gap = match events.first() {
            Some(first) if full && first.id > floor + 1 => Some(EventGap { from: floor + 1, to: first.id - 1 }),
            _ => None,
        };
        self.buffer.extend(events);
        gap
    }

    /// The next event, moving the cursor to it.
    pub fn next_event(&mut self) -> Option<Event> {
        let e = self.buffer.pop_front()?;
        self.cursor = e.id;
        Some(e)
    }

    /// Whether a poll is needed before the next event.
    pub fn is_drained(&self) -> bool {
        self.buffer.is_empty()
    }
}

/// The first wait after a failed poll, before doubling.
const TAIL_BACKOFF_MS: f64 = 500.0;
/// The longest wait after repeated failed polls.
const TAIL_BACKOFF_CAP_MS: f64 = 30_000.0;

/// One live tail: its state between polls, and how often it polls.
#[derive(Debug)]
pub struct EventTail {
    /// The cursor and the events read but not yet handed out.
    pub state: TailState,
    /// Whether the starting point is known; a tail without `after` starts after the newest
    /// event of its first poll.
    pub started: bool,
    /// The time between polls when there is nothing new, in ms.
    pub interval_ms: f64,
}

impl EventTail {
    /// A tail after `after` (a saved cursor), or after the newest event now when `None`.
    pub fn new(after: Option<u64>, interval_ms: f64) -> Self {
        EventTail { state: TailState::new(after.unwrap_or(0)), started: after.is_some(), interval_ms }
    }
}

/// The tail's next event; `None` when the caller's signal ends it. Polls `/events?id=` until
/// an event comes, waiting `interval_ms` between empty polls, and `on_gap` hears of each gap.
/// No borrow of `tail` is held while waiting or while `on_gap` runs (it may read the cursor).
pub async fn next_event<T: Transport>(io: &T, tail: &RefCell<EventTail>, on_gap: &dyn Fn(EventGap)) -> Result<Option<Event>, Error> {
    let mut backoff = TAIL_BACKOFF_MS;
    loop {
        if io.is_aborted() {
            return Ok(None);
        }
        if let Some(event) = tail.borrow_mut().state.next_event() {
            return Ok(Some(event));
        }
        let (started, cursor, interval_ms) = {
            let t = tail.borrow();
            (t.started, t.state.cursor, t.interval_ms)
        };
        let req = if started { api::events_after(cursor) } else { ApiRequest::get("events") };
        match read_list::<T, Event>(io, &req).await {
            Ok(events) if started => {
                backoff = TAIL_BACKOFF_MS;
                let (gap, drained) = {
                    let mut t = tail.borrow_mut();
                    let gap = t.state.absorb(events);
                    (gap, t.state.is_drained())
                };
                if let Some(gap) = gap {
                    on_gap(gap);
                }
                if drained && io.sleep(interval_ms).await.is_err() {
                    return Ok(None);
                }
            }
            Ok(events) => {
                let mut t = tail.borrow_mut();
                t.state = TailState::new(events.iter().map(|e| e.id).max().unwrap_or(0));
                t.started = true;
            }
            Err(e) if e.kind == ErrorKind::Aborted => return Ok(None),
            Err(e) if rides_out(&e) => {
                if io.sleep(backoff).await.is_err() {
                    return Ok(None);
                }
                backoff = (backoff * 2.0).min(TAIL_BACKOFF_CAP_MS);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether a tail keeps polling after a failed poll: after any transient error, and after any
/// failure of the server or the answer (a 501, a proxy's garbled page), which a long-running
/// tail outlives; not after `auth`, `config` and the like, which need the caller.
fn rides_out(e: &Error) -> bool {
    e.is_transient() || matches!(e.kind, ErrorKind::Server | ErrorKind::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(ids: impl IntoIterator<Item = u64>) -> Vec<Event> {
        ids.into_iter().map(|id| Event { id, ..Event::default() }).collect()
    }

    #[test]
    fn yields_each_event_once_in_ascending_order() {
        let mut t = TailState::new(10);
        assert_eq!(t.absorb(events([13, 11, 12, 12, 9, 10])), None);
        assert_eq!(t.absorb(events([12, 14])), None, "overlapping poll");
        let got: Vec<u64> = std::iter::from_fn(|| t.next_event()).map(|e| e.id).collect();
        assert_eq!(got, [11, 12, 13, 14]);
        assert_eq!(t.cursor, 14);
        assert!(t.is_drained());
    }

    #[test]
    fn a_full_window_past_the_cursor_is_a_gap() {
        let mut t = TailState::new(100);
        let gap = t.absorb(events(1_000..1_000 + EVENT_WINDOW as u64));
        assert_eq!(gap, Some(EventGap { from: 101, to: 999 }));
        assert_eq!(t.next_event().unwrap().id, 1_000);
    }

    #[test]
    fn a_full_window_one_id_past_the_next_is_a_gap_of_one() {
        let mut t = TailState::new(100);
        assert_eq!(t.absorb(events(102..102 + EVENT_WINDOW as u64)), Some(EventGap { from: 101, to: 101 }));
        let mut t = TailState::new(100);
        assert_eq!(t.absorb(events([101, 102])), None);
        let next = 102 + 2;
        assert_eq!(t.absorb(events(next..next + EVENT_WINDOW as u64)), Some(EventGap { from: 103, to: 103 }), "measured from what is buffered");
    }

    #[test]
    fn a_full_window_starting_right_after_the_cursor_is_no_gap() {
        let mut t = TailState::new(100);
        assert_eq!(t.absorb(events(101..101 + EVENT_WINDOW as u64)), None);
        let mut t = TailState::new(100);
        assert_eq!(t.absorb(events(500..600)), None, "not full: ids may simply skip");
    }
}
