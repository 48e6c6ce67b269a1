#![no_main]
//! cargo fuzz target: see `lockt_secureaccess_fuzz::validators`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| lockt_secureaccess_fuzz::validators(data));
