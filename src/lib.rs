//! lepdash: a fast, keyboard-driven terminal dashboard for NVIDIA DGX Cloud
//! Lepton workspaces, with an embedded emulator of the workspace API.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod credentials;
pub mod duration;
pub mod emulator;
pub mod history;
pub mod local_file;
pub mod logging;
pub mod notify;
pub mod output;
pub mod protocol;
pub mod run;
pub mod sync;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod watch;
