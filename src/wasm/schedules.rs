//! `lockt.schedules`: list.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::calls::handle;
use crate::model::Schedule;

handle!(
    SchedulesApi,
    "Schedules (`/schedule`).",
    list Schedule,
    "schedule",
    "schedules.list",
    "Promise<Schedule[]>",
    "Every schedule (`GET /schedule`); `d0` is Monday."
);
