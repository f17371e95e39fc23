//! `GET BASE/templates/{public,private}`: `Listed::<Template>::from_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::list::<lepdash::api::types::Template>(data, |t| {
        lepdash_fuzz::reencodes(t);
        let _ = (t.id(), t.name(), t.spec.schema());
    })
);
