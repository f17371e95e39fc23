//! The Lepton workspace API: wire types, paths, errors and the HTTP client.

pub mod client;
pub mod error;
pub mod names;
pub mod paths;
pub mod proxy;
pub mod types;
pub mod workloads;

pub use client::{Client, ClientConfig};
pub use error::{ApiError, ServerMessage};
