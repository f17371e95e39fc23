//! Command-line definitions (clap).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::duration::parse_duration;

/// The version and the commit it was built from (`build.rs`; "unknown" in
/// a build outside a git checkout): `0.1.0 (commit 1a2b3c4)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LEPDASH_COMMIT"),
    ")"
);

/// A fast, keyboard-driven terminal dashboard for NVIDIA DGX Cloud Lepton workspaces.
#[derive(Debug, Parser)]
#[command(name = "lepdash", version = VERSION, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options that apply to every subcommand.
#[derive(Debug, Clone, Args, Default)]
pub struct Global {
    /// Workspace id (overrides LEPTON_WORKSPACE_ID and the lep login record).
    #[arg(short = 'w', long = "workspace", global = true, value_name = "ID")]
    pub workspace: Option<String>,
    /// Workspace base URL, e.g. `https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ID`.
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Read the token from standard input (one line), so it never lands in shell history.
    #[arg(long, global = true)]
    pub token_stdin: bool,
    /// Disable every mutation (create, update, delete).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Poll interval for the visible pane, e.g. 2s, 1m (default 5s, floor 1s).
    #[arg(long, global = true, value_name = "DUR", value_parser = parse_duration)]
    pub interval: Option<Duration>,
    /// Settings file (default: the user config dir's lepdash/config.toml).
    #[arg(long, global = true, value_name = "PATH", env = "LEPDASH_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log level for the log file (error, warn, info, debug, trace).
    #[arg(long, global = true, value_name = "LEVEL", env = "LEPDASH_LOG")]
    pub log_level: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Dashboard on the embedded emulator with demo data; no account needed.
    Demo,
    /// Serve the Lepton API emulator in the foreground.
    Emulator(EmulatorArgs),
    /// One-shot, non-interactive output of one resource.
    Get(GetArgs),
    /// Show resolved config and log paths, credential source, masked token, version.
    Info,
    /// Print a shell completion script, e.g. `lepdash completions bash > ~/.local/share/bash-completion/completions/lepdash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `lepdash man | man -l -`.
    Man,
    /// Headless: poll and print what changed, one event per line (for jq, a
    /// log shipper). `--interval` sets the pace.
    Watch(WatchArgs),
}

/// Output format of `lepdash watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum WatchOutput {
    /// One JSON object per line (schema 1).
    #[default]
    Jsonl,
    /// One line of text per event.
    Text,
}

/// `lepdash watch` options.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = WatchOutput::Jsonl)]
    pub output: WatchOutput,
    /// Only these resource kinds and/or event kinds, e.g. `secrets,stale`.
    #[arg(long, value_name = "KIND,…")]
    pub kinds: Option<String>,
    /// Print the differences against the saved snapshot, save the new one, exit.
    #[arg(long)]
    pub once: bool,
}

/// `lepdash emulator` options.
#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory with seed JSON files (default: the embedded demo data).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Make T an admin token valid for every workspace served. A flag shows in
    /// `ps`: prefer LEPDASH_EMULATOR_TOKEN or --token-stdin.
    #[arg(
        long,
        value_name = "T",
        env = "LEPDASH_EMULATOR_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Fault injection spec, e.g. `latency=200ms,error-rate=0.2,hang=30s,only=/usersecrets`.
    #[arg(long, value_name = "SPEC")]
    pub fault: Option<String>,
    /// Make changes of every kind at this pace (e.g. 10s): invites accepted,
    /// secrets added and removed, tokens nearing expiry, quota moving, the
    /// not-activated workspace going pending then active.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub activity: Option<Duration>,
}

/// Output format of `lepdash get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Columns that matter; fits the terminal, whole values into a pipe or file.
    #[default]
    Table,
    /// Every column, whole values.
    Wide,
    Json,
}

/// `lepdash get` options.
#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// What to print: one or more kinds, or `all` (fetched together, in one
    /// process); or `fleet` on its own (every known workspace, one row each).
    #[arg(value_parser = kind_parser(), value_name = "WHAT", num_args = 1.., required = true)]
    pub what: Vec<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `lepdash get fleet`: every known workspace, printed on its own.
pub const GET_FLEET: &str = "fleet";

/// `lepdash get KIND…`: the names of [`crate::output::GET_KINDS`], `all`
/// and `fleet`, so a new kind is offered without a second list.
fn kind_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(
        crate::output::GET_KINDS
            .iter()
            .map(|k| k.name)
            .chain([crate::output::GET_ALL, GET_FLEET]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_parses() {
        let c = Cli::try_parse_from(["lepdash", "get", "secrets", "-o", "json", "--read-only"])
            .unwrap();
        assert!(c.global.read_only);
        let Some(Command::Get(args)) = c.command else {
            panic!("not get")
        };
        assert_eq!(args.what, ["secrets"]);
        assert_eq!(args.output, OutputFormat::Json);
        let c = Cli::try_parse_from(["lepdash", "get", "secrets", "all", "members"]).unwrap();
        let Some(Command::Get(args)) = c.command else {
            panic!("not get")
        };
        assert_eq!(args.what, ["secrets", "all", "members"]);
        assert!(Cli::try_parse_from(["lepdash", "get"]).is_err());
        assert!(Cli::try_parse_from(["lepdash", "get", "secrets", "nope"]).is_err());
        let c = Cli::try_parse_from(["lepdash", "get", "fleet"]).unwrap();
        let Some(Command::Get(args)) = c.command else {
            panic!("not get")
        };
        assert_eq!(args.what, [GET_FLEET]);
    }
}
