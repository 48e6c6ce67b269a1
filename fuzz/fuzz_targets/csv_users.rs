#![no_main]
//! cargo fuzz target: see `lockt_secureaccess_fuzz::csv_users`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| lockt_secureaccess_fuzz::csv_users(data));
