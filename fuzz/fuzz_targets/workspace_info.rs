//! `GET BASE/workspace`: `serde_json::from_slice::<WorkspaceInfo>`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| lepdash_fuzz::object::<lepdash::api::types::WorkspaceInfo>(
        data,
        lepdash_fuzz::reencodes
    )
);
