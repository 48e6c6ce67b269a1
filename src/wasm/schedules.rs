//! `lockt.schedules`: list.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::{handle, shaped_list};
use crate::model::shape;

handle!(
    SchedulesApi,
    "Schedules (`/schedule`).",
    list shaped_list(&shape::SCHEDULE),
    "schedule",
    "schedules.list",
    "Promise<Schedule[]>",
    "Every schedule (`GET /schedule`); `d0` is Monday."
);
