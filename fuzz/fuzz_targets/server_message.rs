//! Error bodies: `ServerMessage::from_body`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lepdash_fuzz::server_message(data));
