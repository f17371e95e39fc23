//! `GET BASE/usersecrets`: `Listed::<Secret>::from_json` (names or objects).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::list::<lepdash::api::types::Secret>(
        data,
        lepdash_fuzz::roundtrip_eq
    )
);
