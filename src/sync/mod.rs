//! The background sync task: poll schedules, back-off, in-flight guards,
//! mutations (to be written). Only this module calls the `Client`.

pub mod protocol;

pub use protocol::*;
