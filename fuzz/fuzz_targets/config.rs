//! The settings file: `config::parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lepdash_fuzz::config_text(data));
