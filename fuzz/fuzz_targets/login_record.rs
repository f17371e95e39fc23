//! The `lep login` record `workspace_info.yaml`, through `credentials::resolve`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lepdash_fuzz::login_record(data));
