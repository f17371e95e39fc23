//! `lepdash::text`: sanitizer, width, cut, wrap, log escape, token mask,
//! JSON writer (see `lepdash_fuzz::text`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lepdash_fuzz::text(data));
