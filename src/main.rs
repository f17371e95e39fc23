#![forbid(unsafe_code)]

use clap::Parser;
use lepdash::cli::{Cli, Command};

fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        match cli.command {
            Some(Command::Emulator(args)) => lepdash::emulator::run_cli(args).await,
            _ => Err(color_eyre::eyre::eyre!("not written yet")),
        }
    })
}
