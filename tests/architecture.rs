//! The walls between the modules, kept by reading the source.
//!
//! `docs/ARCHITECTURE.md` describes them; each rule below fails when a file
//! crosses one:
//!
//! - `src/app` (the pure reducer) names neither the HTTP client, nor
//!   `crate::sync`, nor `crate::ui`, nor tokio, the file system, the
//!   environment or the clock;
//! - `src/ui` (the renderer) names neither the HTTP client nor `crate::sync`;
//! - `src/emulator` names neither `app`, `ui` nor `cli` (nor clap);
//! - no endpoint path literal appears outside `src/api/paths.rs`;
//! - no file of the repository points to design documents outside it.
//!
//! The scan is on tokens, not lines: comments are ignored, string literals
//! are not names, `use` trees are expanded (`use std::{fs, io}` names
//! `std::fs`), and fully-qualified paths in code count as much as imports
//! (`std::env::var`, `SystemTime::now`). Unit-test modules
//! (`#[cfg(test)]`) are skipped: the walls are about the shipped code.
//! The `checker_*` tests at the end run every rule on crafted violations.

use std::path::{Path, PathBuf};

// ------------------------------------------------------------------ rules

/// Forbidden path segments (contiguous, anywhere in a path) and what they
/// stand for.
type Forbidden = &'static [(&'static [&'static str], &'static str)];

const HTTP_CLIENT: Forbidden = &[
    (&["reqwest"], "the HTTP client (reqwest)"),
    (&["hyper"], "the HTTP client (hyper)"),
    (&["api", "Client"], "the HTTP client (api::Client)"),
    (
        &["api", "ClientConfig"],
        "the HTTP client (api::ClientConfig)",
    ),
    (&["api", "client"], "the HTTP client (api::client)"),
];

const SYNC: Forbidden = &[
    (&["crate", "sync"], "the sync task (crate::sync)"),
    (&["super", "sync"], "the sync task (crate::sync)"),
    (&["lepdash", "sync"], "the sync task (crate::sync)"),
];

const APP_ONLY: Forbidden = &[
    (&["crate", "ui"], "the renderer (crate::ui)"),
    (&["super", "ui"], "the renderer (crate::ui)"),
    (&["tokio"], "tokio"),
    (&["std", "fs"], "the file system (std::fs)"),
    (&["File", "open"], "the file system (File::open)"),
    (&["File", "create"], "the file system (File::create)"),
    (&["OpenOptions"], "the file system (OpenOptions)"),
    (&["std", "env"], "the environment (std::env)"),
    (&["std", "process"], "the environment (std::process)"),
    (&["SystemTime", "now"], "the clock (SystemTime::now)"),
    (&["Instant", "now"], "the clock (Instant::now)"),
    (&["Utc", "now"], "the clock (Utc::now)"),
    (&["Local", "now"], "the clock (Local::now)"),
];

const EMULATOR: Forbidden = &[
    (&["crate", "app"], "the dashboard (crate::app)"),
    (&["super", "app"], "the dashboard (crate::app)"),
    (&["crate", "ui"], "the renderer (crate::ui)"),
    (&["super", "ui"], "the renderer (crate::ui)"),
    (&["crate", "cli"], "the command line (crate::cli)"),
    (&["super", "cli"], "the command line (crate::cli)"),
    (&["clap"], "the command line (clap)"),
];

/// The files a rule reads: every `.rs` under `dir`.
fn sources(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(&root().join(dir), &mut out);
    out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if name != "target" && name != ".git" {
                walk(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Run `check` over every file under `dir` (except `skip`) and fail with
/// every violation found.
fn assert_clean(dir: &str, skip: &[&str], check: impl Fn(&str) -> Vec<String>) {
    let files = sources(dir);
    assert!(!files.is_empty(), "no source under {dir}");
    let mut all = Vec::new();
    for f in files {
        let name = rel(&f);
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        all.extend(check(&read(&f)).into_iter().map(|v| format!("{name}:{v}")));
    }
    assert!(all.is_empty(), "walls crossed:\n{}", all.join("\n"));
}

#[test]
fn app_is_pure() {
    // `src/app/sample.rs` (test fixtures, moving to tests/support in part C)
    // is scanned like the rest while it is here: it names nothing forbidden.
    assert_clean("src/app", &[], |src| {
        names(src, &[HTTP_CLIENT, SYNC, APP_ONLY].concat())
    });
}

#[test]
fn ui_draws_without_the_network() {
    assert_clean("src/ui", &[], |src| {
        names(src, &[HTTP_CLIENT, SYNC].concat())
    });
}

#[test]
fn emulator_stands_alone() {
    assert_clean("src/emulator", &[], |src| names(src, EMULATOR));
}

#[test]
fn endpoint_paths_live_in_paths_rs() {
    let endpoints = endpoints();
    assert!(
        endpoints.iter().any(|e| e == "/usersecrets"),
        "endpoints read from paths.rs: {endpoints:?}"
    );
    assert_clean("src", &["src/api/paths.rs"], |src| {
        path_literals(src, &endpoints)
    });
}

#[test]
fn no_file_points_outside_the_repository() {
    let mut bad = Vec::new();
    for f in tracked_files() {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (n, line) in text.lines().enumerate() {
            if let Some(why) = outside_reference(line) {
                bad.push(format!("{}:{}: {why}: {}", rel(&f), n + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "files point outside the repository (docs/ARCHITECTURE.md is the design):\n{}",
        bad.join("\n")
    );
}

// ------------------------------------------------------------------ checkers

/// Every forbidden name in `src`, as `line: what (path)`.
fn names(src: &str, forbidden: &[(&[&str], &str)]) -> Vec<String> {
    let toks = shipped(tokenize(src));
    let mut out = Vec::new();
    for (line, path) in paths(&toks) {
        for (pat, what) in forbidden {
            if path.windows(pat.len()).any(|w| w == *pat) {
                out.push(format!("{line}: names {what} ({})", path.join("::")));
            }
        }
    }
    out
}

/// String literals in `src` that hold an endpoint path.
fn path_literals(src: &str, endpoints: &[String]) -> Vec<String> {
    let toks = shipped(tokenize(src));
    let mut out = Vec::new();
    for t in &toks {
        let Tok::Str(s) = &t.kind else { continue };
        for e in endpoints {
            let hit = s.match_indices(e.as_str()).any(|(i, _)| {
                s[i + e.len()..]
                    .chars()
                    .next()
                    // `/tokens` but not `/tokensX`, `/tokens-x` nor `tokens.json`.
                    .is_none_or(|c| !(c.is_alphanumeric() || "_-.".contains(c)))
            });
            if hit {
                out.push(format!(
                    "{}: endpoint path literal {s:?} (use crate::api::paths)",
                    t.line
                ));
            }
        }
    }
    out
}

/// The endpoint paths: every string constant of `src/api/paths.rs` that
/// starts with `/`.
fn endpoints() -> Vec<String> {
    let src = read(&root().join("src/api/paths.rs"));
    let toks = shipped(tokenize(&src));
    let mut out = Vec::new();
    for w in toks.windows(3) {
        if let (Tok::Ident(k), Tok::Str(s)) = (&w[0].kind, &w[2].kind)
            && k == "str"
            && w[1].kind == Tok::Punct('=')
            && s.starts_with('/')
        {
            out.push(s.clone());
        }
    }
    out
}

/// Why `line` points outside the repository, if it does.
fn outside_reference(line: &str) -> Option<&'static str> {
    // Spelled in pieces so this file does not match itself.
    const OUTSIDE: [(&str, &str); 6] = [
        (concat!("..", "/shared"), "a path outside the repository"),
        (
            concat!("shared", "/lepton"),
            "an API document outside the repository",
        ),
        (
            concat!("lepton", "-api.md"),
            "an API document outside the repository",
        ),
        (
            concat!("lepton-workloads", "-api.md"),
            "an API document outside the repository",
        ),
        (
            concat!("design", ".md"),
            "the design document outside the repository",
        ),
        (
            concat!("design", " §"),
            "a section of the design outside the repository",
        ),
    ];
    OUTSIDE
        .iter()
        .find(|(pat, _)| line.contains(pat))
        .map(|(_, why)| *why)
}

fn tracked_files() -> Vec<PathBuf> {
    let git = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output();
    match git {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .split('\0')
            .filter(|s| !s.is_empty())
            .map(|s| root().join(s))
            .collect(),
        // Not a git checkout (a source archive): every file but build output.
        _ => {
            let mut out = Vec::new();
            walk(&root(), &mut out);
            out
        }
    }
}

// ------------------------------------------------------------------ tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    /// `::`
    PathSep,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    line: usize,
}

/// Rust source to tokens: comments dropped, string and char literals one
/// token each (their content is never a name).
fn tokenize(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let count_lines = |s: &[char]| s.iter().filter(|&&ch| ch == '\n').count();
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let start = i;
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += count_lines(&c[start..i.min(c.len())]);
        } else if let Some((len, hashes)) = raw_string_start(&c[i..]) {
            let start = i;
            i += len;
            let body = i;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '"' && (0..hashes).all(|h| c.get(i + 1 + h) == Some(&'#')) {
                    break;
                }
                i += 1;
            }
            let s: String = c[body..i.min(c.len())].iter().collect();
            i = (i + 1 + hashes).min(c.len());
            out.push(Token {
                kind: Tok::Str(s),
                line,
            });
            line += count_lines(&c[start..i]);
        } else if ch == '"' || (ch == 'b' && next == Some('"')) {
            let start = i;
            i += if ch == 'b' { 2 } else { 1 };
            let mut s = String::new();
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' && i + 1 < c.len() {
                    s.push(c[i]);
                    i += 1;
                }
                s.push(c[i]);
                i += 1;
            }
            i = (i + 1).min(c.len());
            out.push(Token {
                kind: Tok::Str(s),
                line,
            });
            line += count_lines(&c[start..i]);
        } else if ch == '\'' {
            // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Token {
                    kind: Tok::Str(String::new()),
                    line,
                });
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push(Token {
                    kind: Tok::Str(String::new()),
                    line,
                });
            } else {
                i += 1;
                out.push(Token {
                    kind: Tok::Punct('\''),
                    line,
                });
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let mut s: String = c[start..i].iter().collect();
            if let Some(raw) = s.strip_prefix("r#") {
                s = raw.to_string();
            }
            out.push(Token {
                kind: Tok::Ident(s),
                line,
            });
        } else if ch == ':' && next == Some(':') {
            i += 2;
            out.push(Token {
                kind: Tok::PathSep,
                line,
            });
        } else {
            i += 1;
            out.push(Token {
                kind: Tok::Punct(ch),
                line,
            });
        }
    }
    out
}

/// `r"`, `r#"`, `br##"`…: (length of the opening, number of `#`).
fn raw_string_start(c: &[char]) -> Option<(usize, usize)> {
    let mut i = 0;
    if c.first() == Some(&'b') {
        i += 1;
    }
    if c.get(i) != Some(&'r') {
        return None;
    }
    i += 1;
    let mut hashes = 0;
    while c.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    (c.get(i) == Some(&'"')).then_some((i + 1, hashes))
}

/// Drop every item under `#[cfg(test)]` (a `mod tests { … }`, a `use`).
fn shipped(toks: Vec<Token>) -> Vec<Token> {
    let is = |t: Option<&Token>, k: &Tok| t.is_some_and(|t| t.kind == *k);
    let ident = |s: &str| Tok::Ident(s.to_string());
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let cfg_test = is(toks.get(i), &Tok::Punct('#'))
            && is(toks.get(i + 1), &Tok::Punct('['))
            && is(toks.get(i + 2), &ident("cfg"))
            && is(toks.get(i + 3), &Tok::Punct('('))
            && is(toks.get(i + 4), &ident("test"))
            && is(toks.get(i + 5), &Tok::Punct(')'))
            && is(toks.get(i + 6), &Tok::Punct(']'));
        if !cfg_test {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        // Skip to the end of the item: its `;`, or its balanced `{ … }`.
        i += 7;
        let mut depth = 0usize;
        while i < toks.len() {
            match toks[i].kind {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                Tok::Punct(';') if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// Every path named in the code, with its line: `use` trees expanded
/// (`use a::{b, c::d}` gives `a::b` and `a::c::d`), and every `x::y::z`
/// (or lone identifier) outside them.
fn paths(toks: &[Token]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].kind {
            Tok::Ident(k) if k == "use" => {
                let end = toks[i..]
                    .iter()
                    .position(|t| t.kind == Tok::Punct(';'))
                    .map_or(toks.len(), |p| i + p);
                let mut pos = i + 1;
                use_tree(&toks[..end], &mut pos, &[], &mut out);
                i = end + 1;
            }
            Tok::Ident(_) | Tok::PathSep => {
                let line = toks[i].line;
                let mut path = Vec::new();
                while i < toks.len() {
                    match &toks[i].kind {
                        Tok::Ident(s) => path.push(s.clone()),
                        Tok::PathSep => {}
                        _ => break,
                    }
                    i += 1;
                }
                out.push((line, path));
            }
            _ => i += 1,
        }
    }
    out
}

/// Expand one use tree starting at `toks[*pos]` under `prefix`.
fn use_tree(
    toks: &[Token],
    pos: &mut usize,
    prefix: &[String],
    out: &mut Vec<(usize, Vec<String>)>,
) {
    let mut path = prefix.to_vec();
    let line = toks.get(*pos).map_or(0, |t| t.line);
    while *pos < toks.len() {
        match &toks[*pos].kind {
            Tok::Ident(s) if s == "as" => {
                *pos += 2; // the alias
                break;
            }
            // `{self, …}` names the prefix itself.
            Tok::Ident(s) if s == "self" => *pos += 1,
            Tok::Ident(s) => {
                path.push(s.clone());
                *pos += 1;
            }
            Tok::PathSep => *pos += 1,
            Tok::Punct('{') => {
                *pos += 1;
                while *pos < toks.len() && toks[*pos].kind != Tok::Punct('}') {
                    use_tree(toks, pos, &path, out);
                    if *pos < toks.len() && toks[*pos].kind == Tok::Punct(',') {
                        *pos += 1;
                    }
                }
                *pos += 1; // `}`
                return;
            }
            _ => break, // `,` `}` `*`: this branch ends
        }
    }
    if *pos < toks.len() && toks[*pos].kind == Tok::Punct('*') {
        *pos += 1;
    }
    out.push((line, path));
}

// ------------------------------------------------------------------ the checkers fail on violations

#[test]
fn checker_app_rule_catches_each_kind_of_name() {
    let app = [HTTP_CLIENT, SYNC, APP_ONLY].concat();
    let violations = [
        "use crate::api::Client;",
        "use crate::api::{ApiError, Client as C};",
        "use crate::api::client::Client;",
        "fn f() { let _ = reqwest::Client::new(); }",
        "use crate::sync::ResourceKind;",
        "use crate::{protocol, sync::{self, SyncCmd}};",
        "fn f() { crate::sync::spawn(); }",
        "use super::super::sync::SyncCmd;",
        "use crate::ui::render;",
        "use tokio::sync::mpsc;",
        "async fn f() { tokio::time::sleep(d).await }",
        "use std::{fs, io};",
        "fn f() { std::fs::read(p); }",
        "use std::fs::File; fn f() { File::open(p); }",
        "fn f() { let _ = std::env::var(\"HOME\"); }",
        "use std::env;",
        "fn f() { let t = std::time::SystemTime::now(); }",
        "use std::time::Instant; fn f() { Instant::now(); }",
        "use std::time::{Duration, SystemTime}; fn f() { SystemTime::now(); }",
    ];
    for v in violations {
        assert!(!names(v, &app).is_empty(), "not caught: {v}");
    }
    let allowed = [
        "use crate::protocol::{Mutation, SyncCmd};",
        "use std::time::{Duration, SystemTime, UNIX_EPOCH};",
        "// tokio::spawn in a comment, std::fs too\n/* crate::sync::x */ fn f() {}",
        "const S: &str = \"tokio std::fs::read SystemTime::now\";",
        "fn f(client_now: u8) -> u8 { client_now }",
        "#[cfg(test)]\nmod tests { use std::fs; fn t() { SystemTime::now(); } }\nfn g() {}",
        "use std::sync::Arc;",
    ];
    for a in allowed {
        assert_eq!(names(a, &app), Vec::<String>::new(), "flagged: {a}");
    }
    // Code after a test module is scanned again.
    assert!(!names("#[cfg(test)] mod t { }\nuse tokio::x;", &app).is_empty());
    // The line of a violation is reported.
    let v = names("fn a() {}\n\nuse tokio::x;", &app);
    assert!(v[0].starts_with("3:"), "{v:?}");
}

#[test]
fn checker_ui_rule_catches_the_client_and_sync() {
    let ui = [HTTP_CLIENT, SYNC].concat();
    for v in [
        "use crate::sync::ResourceKind;",
        "use crate::api::{types::Member, Client};",
        "fn f() { crate::api::client::get(); }",
    ] {
        assert!(!names(v, &ui).is_empty(), "not caught: {v}");
    }
    for a in [
        "use crate::protocol::ResourceKind;",
        "use crate::app::Model;",
        "use crate::api::types::Member;",
    ] {
        assert!(names(a, &ui).is_empty(), "flagged: {a}");
    }
}

#[test]
fn checker_emulator_rule_catches_app_ui_and_cli() {
    for v in [
        "use crate::app::Model;",
        "use crate::ui;",
        "use crate::cli::EmulatorArgs;",
        "use crate::{api, cli::parse_duration};",
        "#[derive(clap::Args)] struct A;",
        "use super::super::app::format;",
    ] {
        assert!(!names(v, EMULATOR).is_empty(), "not caught: {v}");
    }
    for a in [
        "use crate::api::types::Member;",
        "use crate::api::paths;",
        "let app = axum::Router::new();",
    ] {
        assert!(names(a, EMULATOR).is_empty(), "flagged: {a}");
    }
}

#[test]
fn checker_path_rule_catches_endpoint_literals() {
    let endpoints = endpoints();
    for v in [
        "const P: &str = \"/usersecrets\";",
        "let u = format!(\"{base}/usersecrets/{name}\");",
        "let u = format!(\"{}/api/v2/workspaces/{}\", o, w);",
        "let r = Router::new().route(\"/tokens/{id}\", get(h));",
        "let u = r\"/imagepullsecrets\";",
        "let c = \"/_emulator/faults\";",
    ] {
        assert!(!path_literals(v, &endpoints).is_empty(), "not caught: {v}");
    }
    for a in [
        "let u = format!(\"{base}{}\", paths::SECRETS);",
        "set(item, \"/role\", \"admin\");",
        "let p = \"/usersecretsX\";",
        "// GET BASE/usersecrets\nfn f() {}",
        "#[cfg(test)]\nmod tests { const P: &str = \"/usersecrets\"; }",
    ] {
        assert!(path_literals(a, &endpoints).is_empty(), "flagged: {a}");
    }
}

#[test]
fn checker_outside_reference_rule() {
    let up = concat!("..", "/");
    assert!(outside_reference(&format!("See `{up}{}`", concat!("shared/design", ".md"))).is_some());
    assert!(outside_reference(concat!("per shared", "/lepton", "-api", ".md §5")).is_some());
    assert!(outside_reference(concat!("the design", ".md module map")).is_some());
    assert!(outside_reference(concat!("budgets (design", " §7)")).is_some());
    assert!(outside_reference(concat!("rules (lepton", "-api.md §4)")).is_some());
    assert!(outside_reference("See docs/ARCHITECTURE.md").is_none());
}
