//! The Lepton workspace API emulator (to be written).

use crate::cli::EmulatorArgs;

/// `lepdash emulator`: serve in the foreground until Ctrl-C.
pub async fn run_cli(args: EmulatorArgs) -> color_eyre::Result<()> {
    let _ = args;
    Err(color_eyre::eyre::eyre!("the emulator is not written yet"))
}
