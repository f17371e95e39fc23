//! `GET BASE/imagepullsecrets`: `Listed::<Registry>::from_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::list::<lepdash::api::types::Registry>(
        data,
        lepdash_fuzz::reencodes
    )
);
