//! `GET BASE/tokens`: `Listed::<Token>::from_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::list::<lepdash::api::types::Token>(
        data,
        lepdash_fuzz::roundtrip_eq
    )
);
