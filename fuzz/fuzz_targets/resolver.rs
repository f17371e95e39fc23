//! `GET BASE`: `serde_json::from_slice::<Resolver>`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::object::<lepdash::api::types::Resolver>(data, |r| {
        lepdash_fuzz::roundtrip_eq(r);
        let _ = r.activation();
    })
);
