//! Non-success answers: `ApiError::from_status` with any status, `Retry-After` and body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lepdash_fuzz::api_error(data));
