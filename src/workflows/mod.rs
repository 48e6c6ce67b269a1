//! What integrators write around the API, as pure logic: the event tail's bookkeeping and the
//! roster sync plan. The wasm layer does the I/O.

pub mod roster;
pub mod tail;
