#![no_main]
//! cargo fuzz target: see `lockt_secureaccess_fuzz::parse_responses`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| lockt_secureaccess_fuzz::parse_responses(data));
