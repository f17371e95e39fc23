//! Records the commit lepdash is built from (`--version`, `lepdash info`):
//! `git rev-parse --short HEAD` when git and a repository are there,
//! "unknown" otherwise (a tarball build). Never fails the build.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LEPDASH_COMMIT");
    let commit = std::env::var("LEPDASH_COMMIT")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_string());
    // Rebuild when HEAD moves: the HEAD file and the branch it points to
    // (only paths that exist, or cargo would rerun this on every build).
    let mut watch = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(git(&["rev-parse", "--git-path", &branch]));
        watch.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    }
    for p in watch.into_iter().flatten() {
        if Path::new(&p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    let commit: String = commit
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .take(40)
        .collect();
    let commit = if commit.is_empty() {
        "unknown".to_string()
    } else {
        commit
    };
    println!("cargo:rustc-env=LEPDASH_COMMIT={commit}");
}
