//! Helpers shared by the end-to-end tests.

pub mod driver;
pub mod pty;

use lepdash::emulator::{EmulatorHandle, EmulatorOptions};

/// An in-process emulator on a random loopback port whose admin token is
/// `admin` in every workspace.
// Not every test binary uses every helper.
#[allow(dead_code)]
pub async fn emulator_with_admin(admin: &str) -> EmulatorHandle {
    lepdash::emulator::start(EmulatorOptions {
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        admin_token: Some(admin.to_string()),
        ..EmulatorOptions::default()
    })
    .await
    .expect("emulator starts")
}
