//! `POST BASE/tokens` answer: `serde_json::from_slice::<CreatedToken>`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::object::<lepdash::api::types::CreatedToken>(
        data,
        lepdash_fuzz::created_token
    )
);
