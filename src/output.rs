//! Headless output: `lepdash get` and `lepdash info`.
//!
//! # Tables (`-o table`, the default)
//!
//! Plain text, columns separated by two spaces, no colour. On a terminal it
//! fits the terminal's width (long cells cut with `…`); into a pipe or a
//! file every value is whole. `-o wide` adds the remaining columns (ids,
//! joined, invited by, scopes, provider, state) and never cuts. Rows are sorted by name (templates:
//! public first). Text from the server is stripped of control characters.
//! Tokens appear only as the server's masked value; secret values and
//! registry passwords are never fetched, so never printed.
//!
//! # Several kinds: `get KIND KIND…`, `get all`
//!
//! The kinds are fetched concurrently in one process. Tables: one per kind,
//! each under a `== kind` line, separated by a blank line. JSON: one object
//! keyed by kind whose values are the documents below (a kind that failed
//! has `"error"` instead of its data; the exit status is then 1). What `get`
//! can print is the table [`GET_KINDS`]: a new kind is one row there.
//!
//! # JSON (`-o json`) — stable shape
//!
//! One JSON object and a newline. Every object has
//! `"kind"` (`status`, `members`, `tokens`, `secrets`, `registries`,
//! `templates`), `"workspace"` (the id, from the URL) and `"base_url"`.
//!
//! * `status`: `"status"`: the `GET BASE/workspace` object with the fields
//!   lepdash knows (`workspace_name`, `workspace_state`, `workspace_tier`,
//!   `workloads`, `resource_quota`, …; see `api::types::WorkspaceInfo`),
//!   and `"resolver"`: the `GET BASE` object (`display_name`,
//!   `activation_state`, …) or `null` when it could not be read.
//! * every list kind: `"items"`: an array of the API objects with the fields
//!   lepdash knows (server order; members `{id,email,name,role,status,…}`, tokens
//!   `{id,name,masked_value,scopes,created_at,expires_at,created_by}`, secrets
//!   `{name,tags,owner,visibility}` — never a value —, registries
//!   `{metadata,spec}` — never a password), and `"skipped"`: the number of list
//!   items the server sent that lepdash could not read.
//! * `templates` items are template objects `{metadata,spec,status}` with an
//!   added `"namespace": "public" | "private"`; public ones first. When the
//!   server refuses one side (403/404) the other is still printed — as in the
//!   dashboard — and `"unavailable"` holds one note per refused side
//!   (`"private templates: …"`; empty otherwise). Both sides refused fails.
//!
//! ```json
//! {"kind":"secrets","workspace":"ws1","base_url":"http://127.0.0.1:8080/api/v2/workspaces/ws1",
//!  "items":[{"name":"HF_TOKEN","tags":["hf"],"owner":"alice@example.com","visibility":"public"}],
//!  "skipped":0}
//! ```

pub mod fleet;
mod tables;
mod workloads;

pub use tables::*;

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::types::{
    ActivationState, Listed, Member, Registry, Resolver, Secret, Template, Token, WorkspaceInfo,
};
use crate::api::{ApiError, Client, paths};
use crate::cli::OutputFormat;
use crate::config::LoadedConfig;
use crate::credentials::{CredentialsError, Resolved, expiry_warning, format_ms};
use crate::protocol::{Fetched, ResourceKind, TemplateEntry};
use crate::sync::fetch::{self, TemplateLists};
use crate::text::{date_or_dash as date, human_bytes, pad};
pub use crate::text::{sanitize, width};

/// Tables fit this width when nothing else is known (a terminal whose size
/// cannot be read).
pub const TABLE_WIDTH: usize = 80;
const GAP: &str = "  ";

/// The width tables and `key: value` lines are fitted to; `usize::MAX`
/// means whole values (stdout is a pipe or a file, or `-o wide`). Set once
/// by `main` before anything is printed, see [`width_policy`].
static FIT_WIDTH: AtomicUsize = AtomicUsize::new(TABLE_WIDTH);

/// How wide output may be: on a terminal its width (80 when it cannot be
/// read), otherwise — or with `-o wide` — no limit (`None`): a pipe or a
/// file gets whole values.
pub fn width_policy(
    stdout_is_terminal: bool,
    terminal_cols: Option<u16>,
    wide: bool,
) -> Option<usize> {
    if wide || !stdout_is_terminal {
        return None;
    }
    Some(terminal_cols.map_or(TABLE_WIDTH, |c| usize::from(c).max(20)))
}

/// Fit output to `width` columns (`None`: whole values).
pub fn set_fit_width(width: Option<usize>) {
    FIT_WIDTH.store(width.unwrap_or(usize::MAX), AtomicOrdering::Relaxed);
}

fn fit_width() -> usize {
    FIT_WIDTH.load(AtomicOrdering::Relaxed)
}

/// Why `lepdash get` failed.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("cannot write the output: {0}")]
    Io(#[from] io::Error),
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// `get KIND KIND…`: some kinds failed (the others were printed).
    #[error("{}", partial_text(.0))]
    Partial(Vec<(&'static str, OutputError)>),
}

impl OutputError {
    /// What to do about it (empty when there is nothing useful to say).
    pub fn hint(&self) -> &'static str {
        match self {
            OutputError::Api(e) => e.hint(),
            OutputError::Io(_) => "is the output closed (a pipe that ended early)?",
            OutputError::Json(_) => "",
            OutputError::Partial(failed) => failed.first().map(|(_, e)| e.hint()).unwrap_or(""),
        }
    }
}

/// `secrets: timed out; members: …`, or one message when every kind failed
/// the same way (a rejected token, an emulator that is down).
fn partial_text(failed: &[(&'static str, OutputError)]) -> String {
    let messages: Vec<String> = failed.iter().map(|(_, e)| e.to_string()).collect();
    if messages.windows(2).all(|w| w[0] == w[1]) {
        let names: Vec<&str> = failed.iter().map(|(n, _)| *n).collect();
        return format!(
            "{} ({})",
            messages.first().map(String::as_str).unwrap_or_default(),
            names.join(", ")
        );
    }
    failed
        .iter()
        .zip(&messages)
        .map(|((n, _), m)| format!("{n}: {m}"))
        .collect::<Vec<_>>()
        .join("; ")
}

// ------------------------------------------------------------------ get

/// What one `get` part needs: the client, the token the client sends (to
/// find its own record in the token list), and the workspace it names.
pub struct GetCtx<'a> {
    pub client: &'a Client,
    pub token: &'a str,
    /// The workspace id (from the URL).
    pub workspace: &'a str,
    /// The base URL, without a trailing `/`.
    pub base: &'a str,
    /// Now, in Unix milliseconds (for "3 days left").
    pub now_ms: i64,
    /// `-o wide`: every column, whole values.
    pub wide: bool,
}

/// One kind's answer, in both formats: `json` holds the fields after
/// `kind`/`workspace`/`base_url` of its document (an object), `table` the
/// whole text printed for `-o table`.
pub struct Section {
    pub json: Value,
    pub table: String,
}

/// How one row of [`GET_KINDS`] fetches and renders its kind.
pub type GetFn = for<'a> fn(&'a GetCtx<'a>) -> BoxFuture<'a, Result<Section, OutputError>>;

/// One thing `lepdash get` can print.
pub struct GetKind {
    /// Its word on the command line and its key in a multi-kind document.
    pub name: &'static str,
    /// Part of `lepdash get all`.
    pub in_all: bool,
    pub fetch: GetFn,
}

/// Everything `lepdash get` can print, in the order `get all` prints it.
/// **A new kind is one row here**: the command line offers it, `get all`
/// includes it (with `in_all`), and `get KIND KIND…` fetches it alongside
/// the others.
pub const GET_KINDS: &[GetKind] = &[
    GetKind {
        name: "status",
        in_all: true,
        fetch: |c| Box::pin(resource(c, ResourceKind::Status)),
    },
    GetKind {
        name: "members",
        in_all: true,
        fetch: |c| Box::pin(resource(c, ResourceKind::Members)),
    },
    GetKind {
        name: "tokens",
        in_all: true,
        fetch: |c| Box::pin(resource(c, ResourceKind::Tokens)),
    },
    GetKind {
        name: "secrets",
        in_all: true,
        fetch: |c| Box::pin(resource(c, ResourceKind::Secrets)),
    },
    GetKind {
        name: "registries",
        in_all: true,
        fetch: |c| Box::pin(resource(c, ResourceKind::Registries)),
    },
    GetKind {
        name: "templates",
        in_all: true,
        fetch: |c| Box::pin(templates_section(c)),
    },
    GetKind {
        name: "endpoints",
        in_all: true,
        fetch: |c| Box::pin(workload_section(c, ResourceKind::Endpoints)),
    },
    GetKind {
        name: "jobs",
        in_all: true,
        fetch: |c| Box::pin(workload_section(c, ResourceKind::Jobs)),
    },
    GetKind {
        name: "pods",
        in_all: true,
        fetch: |c| Box::pin(workload_section(c, ResourceKind::Pods)),
    },
    GetKind {
        name: "nodes",
        in_all: true,
        fetch: |c| Box::pin(workload_section(c, ResourceKind::Nodes)),
    },
];

/// The word for every kind in `get all`.
pub const GET_ALL: &str = "all";

/// The rows of [`GET_KINDS`] that `names` asks for, in the order asked,
/// each once; `all` stands for every row with `in_all`. `None` names a word
/// that is not a kind (clap refuses those first).
pub fn get_kinds(names: &[impl AsRef<str>]) -> Result<Vec<&'static GetKind>, String> {
    let mut kinds: Vec<&'static GetKind> = Vec::new();
    for name in names {
        let name = name.as_ref();
        let more: Vec<&'static GetKind> = if name == GET_ALL {
            GET_KINDS.iter().filter(|k| k.in_all).collect()
        } else {
            match GET_KINDS.iter().find(|k| k.name == name) {
                Some(k) => vec![k],
                None => return Err(name.to_string()),
            }
        };
        for k in more {
            if !kinds.iter().any(|have| std::ptr::eq(*have, k)) {
                kinds.push(k);
            }
        }
    }
    Ok(kinds)
}

/// `lepdash get KIND…`: fetch every kind concurrently (one client, one
/// process) and print them. One kind prints its document (JSON) or its
/// table as always; several print one JSON object keyed by kind (each value
/// that kind's document; a kind that failed has `"error"` instead of its
/// data) or one table per kind under a `== kind` heading. Kinds that fail
/// do not stop the others: they are printed as failed and reported in
/// [`OutputError::Partial`] after everything else was written.
///
/// Reads go through the sync task's own fetch functions
/// ([`mod@crate::sync::fetch`]), so a partial failure (the resolver of Status,
/// one template side answering 403/404) is tolerated the same way as in the
/// dashboard. `token` is the plaintext the client sends.
pub async fn get(
    client: &Client,
    kinds: &[&'static GetKind],
    format: OutputFormat,
    token: &str,
    out: &mut dyn Write,
) -> Result<(), OutputError> {
    let base = client.base_url().trim_end_matches('/').to_string();
    let workspace = paths::split_base(&base)
        .map(|(_, id)| id)
        .unwrap_or_else(|| base.clone());
    let ctx = GetCtx {
        client,
        token,
        workspace: &workspace,
        base: &base,
        now_ms: jiff::Timestamp::now().as_millisecond(),
        wide: format == OutputFormat::Wide,
    };
    let envelope = |name: &str, extra: Value| -> Value {
        let mut v = json!({
            "kind": name,
            "workspace": workspace,
            "base_url": base,
        });
        if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
            m.extend(e);
        }
        v
    };
    if let [kind] = kinds {
        let section = (kind.fetch)(&ctx).await?;
        match format {
            OutputFormat::Json => write_json(out, &envelope(kind.name, section.json))?,
            OutputFormat::Table | OutputFormat::Wide => out.write_all(section.table.as_bytes())?,
        }
        out.flush()?;
        return Ok(());
    }
    let results = futures::future::join_all(kinds.iter().map(|k| (k.fetch)(&ctx))).await;
    let mut failed = Vec::new();
    match format {
        OutputFormat::Json => {
            let mut doc = serde_json::Map::new();
            for (kind, result) in kinds.iter().zip(results) {
                let extra = match result {
                    Ok(section) => section.json,
                    Err(e) => {
                        let v = json!({"error": sanitize(&e.to_string())});
                        failed.push((kind.name, e));
                        v
                    }
                };
                doc.insert(kind.name.to_string(), envelope(kind.name, extra));
            }
            write_json(out, &Value::Object(doc))?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            for (i, (kind, result)) in kinds.iter().zip(results).enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                writeln!(out, "== {}", kind.name)?;
                match result {
                    Ok(section) => out.write_all(section.table.as_bytes())?,
                    Err(e) => {
                        writeln!(out, "(failed: {})", sanitize(&e.to_string()))?;
                        failed.push((kind.name, e));
                    }
                }
            }
        }
    }
    out.flush()?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(OutputError::Partial(failed))
    }
}

/// A kind of the dashboard, through the sync task's fetch.
async fn resource(c: &GetCtx<'_>, kind: ResourceKind) -> Result<Section, OutputError> {
    let (now, wide) = (c.now_ms, c.wide);
    Ok(match fetch::fetch(c.client, kind, c.token).await? {
        Fetched::Status { info, resolver } => Section {
            table: status_text(c.workspace, c.base, &info, resolver.as_ref()),
            json: json!({"status": info, "resolver": resolver}),
        },
        Fetched::Members(list) => list_section(&list, || members_table(&list.items, wide)),
        Fetched::Tokens { list, .. } => {
            list_section(&list, || tokens_table(&list.items, now, wide))
        }
        Fetched::Secrets(list) => list_section(&list, || secrets_table(&list.items)),
        Fetched::Registries(list) => list_section(&list, || registries_table(&list.items, wide)),
        Fetched::Templates(list) => templates_of(
            &TemplateLists {
                list,
                refused: Vec::new(),
            },
            wide,
        )?,
        // `fetch` compares with no earlier answer, so it never says this.
        Fetched::Unchanged(_) => {
            return Err(ApiError::Transport("the server sent no new data".into()).into());
        }
        other => {
            return workloads::section(&other, None, now)?.ok_or_else(|| {
                ApiError::Transport(format!("{} has no table", kind.label())).into()
            });
        }
    })
}

/// A workload view. One `/workspace` read gives both the route family and
/// the shapes (GPU counts); a workspace that cannot say still lists.
async fn workload_section(c: &GetCtx<'_>, kind: ResourceKind) -> Result<Section, OutputError> {
    let info = c.client.workspace().await.ok();
    let family = info
        .as_ref()
        .map(|i| crate::api::workloads::RouteFamily::from_features(i.features.as_ref()));
    let fetched = fetch::fetch_in(c.client, kind, c.token, family).await?;
    let shapes = info.map(|i| i.supported_shapes);
    workloads::section(&fetched, shapes.as_ref(), c.now_ms)?.ok_or_else(|| {
        ApiError::Transport(format!("{} is not a workload view", kind.label())).into()
    })
}

/// Templates keep the refused sides apart from the skipped items.
async fn templates_section(c: &GetCtx<'_>) -> Result<Section, OutputError> {
    let lists = fetch::templates(c.client).await?;
    templates_of(&lists, c.wide)
}

/// Templates: JSON items carry `"namespace"`; a side the server refused
/// (403/404) is named in `"unavailable"` (JSON) or a note under the table.
fn templates_of(lists: &TemplateLists, wide: bool) -> Result<Section, OutputError> {
    let entries = &lists.list.items;
    let skipped = lists.list.skipped.len();
    let mut items = Vec::new();
    for e in entries {
        let mut v = serde_json::to_value(&e.template)?;
        if let Value::Object(m) = &mut v {
            let ns = if e.public { "public" } else { "private" };
            m.insert("namespace".into(), Value::String(ns.into()));
        }
        items.push(v);
    }
    let unavailable: Vec<String> = lists
        .refused
        .iter()
        .map(|r| sanitize(r).into_owned())
        .collect();
    let mut table = templates_table(entries, wide);
    table.push_str(&skipped_text(skipped));
    for r in &lists.refused {
        table.push_str(&format!(
            "(not shown: {})\n",
            truncate(&sanitize(r), fit_width().saturating_sub(12))
        ));
    }
    Ok(Section {
        json: json!({"items": items, "skipped": skipped, "unavailable": unavailable}),
        table,
    })
}

fn list_section<T: Serialize>(list: &Listed<T>, table: impl FnOnce() -> String) -> Section {
    let mut text = table();
    text.push_str(&skipped_text(list.skipped.len()));
    Section {
        json: json!({"items": list.items, "skipped": list.skipped.len()}),
        table: text,
    }
}

fn write_json(out: &mut dyn Write, v: &Value) -> Result<(), OutputError> {
    // C1 controls and bidi/format characters escaped too (not only C0).
    crate::text::write_json(&mut *out, v).map_err(|e| {
        if e.is_io() {
            OutputError::Io(io::Error::from(e))
        } else {
            OutputError::Json(e)
        }
    })?;
    Ok(())
}

fn skipped_text(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "(1 item the server sent could not be read and was skipped)\n".into(),
        n => format!("({n} items the server sent could not be read and were skipped)\n"),
    }
}

// ------------------------------------------------------------------ info

/// `lepdash info`: where things are and what was resolved. Tokens only masked.
pub fn info(
    credentials: Result<&Resolved, &CredentialsError>,
    config: &LoadedConfig,
    log_path: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let now = jiff::Timestamp::now().as_millisecond();
    let mut kv: Vec<(&str, String)> = vec![("version", crate::cli::VERSION.to_string())];
    kv.push((
        "config file",
        match &config.path {
            Some(p) if p.exists() => p.display().to_string(),
            Some(p) => format!("{} (not found: defaults in use)", p.display()),
            None => "none (no config directory): defaults in use".into(),
        },
    ));
    kv.push((
        "log file",
        log_path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "none (no state directory; set LEPDASH_LOG_DIR)".into()),
    ));
    match credentials {
        Ok(r) => {
            let c = &r.current;
            kv.push(("credentials", r.source.to_string()));
            kv.push(("workspace", c.label()));
            kv.push(("url", c.base_url.clone()));
            kv.push((
                "origin",
                paths::origin_for(&c.base_url, c.origin.as_deref())
                    .unwrap_or_else(|| "none sent".into()),
            ));
            kv.push((
                "proxy",
                match crate::api::proxy::proxy_for(&c.base_url, &|k| std::env::var(k).ok()) {
                    Some(p) => format!("{} is in use", p.display()),
                    None => "none (direct connection)".into(),
                },
            ));
            kv.push(("token", c.masked_token()));
            kv.push((
                "token expiry",
                match c.token_expires_at {
                    Some(ms) => format!("{} ({})", format_ms(ms), expires_label(Some(ms), now)),
                    None => "unknown".into(),
                },
            ));
            if !r.others.is_empty() {
                let ids: Vec<&str> = r.others.iter().map(|t| t.id.as_str()).collect();
                kv.push(("other workspaces", ids.join(", ")));
            }
        }
        Err(e) => kv.push(("credentials", format!("none — {e}"))),
    }
    // The effective settings (flags applied) and where each comes from.
    let c = &config.config;
    let d = crate::config::Config::default();
    kv.push((
        "interval",
        format!(
            "{}s ({})",
            c.interval.as_secs_f64(),
            config.source("--interval", c.interval != d.interval)
        ),
    ));
    kv.push((
        "hidden interval",
        format!(
            "{}s ({})",
            c.hidden_interval.as_secs_f64(),
            config.source("", c.hidden_interval != d.hidden_interval)
        ),
    ));
    kv.push((
        "read-only",
        format!(
            "{} ({})",
            if c.read_only { "yes" } else { "no" },
            config.source("--read-only", c.read_only != d.read_only)
        ),
    ));
    kv.push((
        "settings",
        format!(
            "theme {}, mouse {}",
            c.theme,
            if c.mouse { "on" } else { "off" },
        ),
    ));
    // A credentials error is printed whole: it says what was tried and what to do.
    let uncut = credentials.is_err().then_some("credentials");
    out.write_all(kv_lines_except(&kv, uncut).as_bytes())?;
    let mut warnings: Vec<String> = config.warnings.clone();
    // Key overrides: unknown actions, bad keys, keys taken from another action.
    warnings.extend(crate::app::keymap::Keymap::new(&config.config.keys).1);
    if let Ok(r) = credentials {
        warnings.extend(r.warnings.iter().cloned());
        if r.warnings.is_empty()
            && let Some(w) = expiry_warning(r.current.token_expires_at, now)
        {
            warnings.push(w);
        }
    }
    if !warnings.is_empty() {
        writeln!(out, "warnings:")?;
        for w in warnings {
            writeln!(out, "  - {}", sanitize(&w))?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fit_80_columns() {
        let long = "x".repeat(300);
        let rows = vec![
            vec![long.clone(), "public".into(), long.clone(), "a,b,c".into()],
            vec![
                "SHORT".into(),
                "private".into(),
                "bob@example.com".into(),
                "-".into(),
            ],
        ];
        let t = render_table(&["NAME", "VISIBILITY", "OWNER", "TAGS"], &rows, 80);
        for l in t.lines() {
            assert!(width(l) <= 80, "{} > 80: {l}", width(l));
        }
        assert!(t.contains('…'));
        assert!(t.contains("SHORT"));
        assert!(t.contains("private"));
    }

    #[test]
    fn width_follows_the_terminal_and_pipes_get_whole_values() {
        assert_eq!(width_policy(true, Some(132), false), Some(132));
        assert_eq!(width_policy(true, None, false), Some(TABLE_WIDTH));
        assert_eq!(width_policy(false, None, false), None, "pipe or file");
        assert_eq!(width_policy(true, Some(100), true), None, "-o wide");
        let members = vec![Member {
            id: "u-1".into(),
            email: "marcus.chen@example.com".into(),
            name: Some("Marcus Chen".into()),
            role: crate::api::types::Role::User,
            status: crate::api::types::MemberStatus::Active,
            invited_by: Some("priya.natarajan@example.com".into()),
            created_at: None,
            last_active_at: None,
        }];
        let t = members_table(&members, true);
        assert!(t.lines().next().unwrap().contains("INVITED BY"), "{t}");
        assert!(!members_table(&members, false).contains("INVITED BY"));
    }

    #[test]
    fn kept_columns_shrink_last() {
        let rows = vec![vec![
            "n".repeat(30),
            "nvapi-AbCd...wxyz".to_string(),
            "e".repeat(40),
        ]];
        let t = render_table_keeping(&["NAME", "TOKEN", "BY"], &[1], &rows, 60);
        assert!(t.contains("nvapi-AbCd...wxyz"), "{t}");
        for l in t.lines() {
            assert!(width(l) <= 60, "{l}");
        }
    }

    #[test]
    fn many_columns_drop_from_the_right() {
        let headers: Vec<String> = (0..20).map(|i| format!("COLUMN{i}")).collect();
        let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let rows = vec![hs.iter().map(|h| h.repeat(3)).collect::<Vec<_>>()];
        let t = render_table(&hs, &rows, 80);
        for l in t.lines() {
            assert!(width(l) <= 80, "{l}");
        }
        assert!(t.starts_with("COLUMN0"));
    }

    #[test]
    fn wide_characters_count_double() {
        let rows = vec![vec!["名前".repeat(50), "x".into()]];
        let t = render_table(&["NAME", "X"], &rows, 80);
        for l in t.lines() {
            assert!(width(l) <= 80, "{l}");
        }
    }

    #[test]
    fn control_characters_are_removed() {
        let rows = vec![vec!["evil\x1b]52;c;AAAA\x07name\u{202E}".to_string()]];
        let t = render_table(&["NAME"], &rows, 80);
        assert!(!t.contains('\x1b') && !t.contains('\x07') && !t.contains('\u{202E}'));
    }

    #[test]
    fn expiry_labels_are_the_dashboards() {
        let now = 1_000_000_000_000;
        let day = 86_400_000;
        assert_eq!(expires_label(None, now), "never");
        assert_eq!(expires_label(Some(now - 3 * day), now), "EXPIRED 3d ago");
        assert_eq!(expires_label(Some(now + 5 * day), now), "EXPIRES in 5d");
        assert_eq!(expires_label(Some(now + 40 * day), now), "in 40d");
        for at in [now - day, now + 4 * day + 5, now + 90 * day] {
            assert_eq!(
                expires_label(Some(at), now),
                crate::app::view::expiry_text(Some(at), now)
            );
        }
    }

    #[test]
    fn status_fits_and_names_activation() {
        let info = WorkspaceInfo {
            workspace_name: "ws1".into(),
            workspace_tier: "enterprise".into(),
            git_commit: "1.2.3".into(),
            workspace_disk_usage_bytes: 123_456_789,
            ..Default::default()
        };
        let r = Resolver {
            display_name: Some("A very long display name ".repeat(5)),
            activation_state: Some(ActivationState::NotActivated),
            ..Default::default()
        };
        let t = status_text(
            "ws1",
            "http://127.0.0.1:1/api/v2/workspaces/ws1",
            &info,
            Some(&r),
        );
        for l in t.lines() {
            assert!(width(l) <= 80, "{l}");
        }
        assert!(t.contains("not activated"));
        assert!(t.contains(paths::ACTIVATION_APPLY_URL), "{t}");
        assert!(t.contains("117.7 MiB"));
    }

    /// `lepdash get templates` and the dashboard's fetch answer a refused
    /// side (403 or 404) the same way: the other side is shown, with a note;
    /// both sides refused fails both.
    #[tokio::test]
    async fn a_refused_template_side_is_tolerated_as_in_the_dashboard() {
        use secrecy::ExposeSecret;

        let emu = crate::emulator::start(crate::emulator::EmulatorOptions::default())
            .await
            .unwrap();
        let ws = &emu.workspaces()[0];
        let token = emu.admin_token().expose_secret().to_string();
        let client = Client::new(crate::api::ClientConfig::new(
            ws.base_url.clone(),
            emu.admin_token().clone(),
        ))
        .unwrap();
        let get = |format: OutputFormat| {
            let (client, token) = (client.clone(), token.clone());
            async move {
                let mut out = Vec::new();
                let kinds = get_kinds(&["templates"]).unwrap();
                let r = get(&client, &kinds, format, &token, &mut out).await;
                r.map(|()| String::from_utf8(out).unwrap())
            }
        };
        for (status, refused) in [("403", "private"), ("404", "public")] {
            emu.set_faults(&format!("status={status},only=/templates/{refused}"))
                .unwrap();
            let kept = refused != "public";

            // The dashboard's fetch.
            let Fetched::Templates(list) =
                crate::sync::fetch(&client, ResourceKind::Templates, &token)
                    .await
                    .unwrap()
            else {
                panic!("not templates")
            };
            assert!(!list.items.is_empty());
            assert!(list.items.iter().all(|e| e.public == kept), "{status}");
            assert_eq!(list.skipped.len(), 1, "{:?}", list.skipped);
            assert!(list.skipped[0].starts_with(&format!("{refused} templates:")));

            // `lepdash get templates -o json`.
            let json: Value =
                serde_json::from_str(&get(OutputFormat::Json).await.unwrap()).unwrap();
            let items = json["items"].as_array().unwrap();
            assert_eq!(items.len(), list.items.len(), "{json}");
            let ns = if kept { "public" } else { "private" };
            assert!(items.iter().all(|t| t["namespace"] == ns), "{json}");
            assert_eq!(json["skipped"], 0);
            let unavailable = json["unavailable"].as_array().unwrap();
            assert_eq!(unavailable.len(), 1, "{json}");
            assert_eq!(unavailable[0], Value::String(list.skipped[0].clone()));

            // `lepdash get templates` (table).
            let table = get(OutputFormat::Table).await.unwrap();
            assert!(table.starts_with("NAME"), "{table}");
            assert!(
                table.contains(&format!("(not shown: {refused} templates:")),
                "{table}"
            );
            assert_eq!(
                table.lines().filter(|l| l.contains(ns)).count(),
                items.len(),
                "{table}"
            );
        }

        // Both sides refused: both fail, with the same error.
        emu.set_faults("status=403,only=/templates").unwrap();
        let dash = crate::sync::fetch(&client, ResourceKind::Templates, &token).await;
        assert!(matches!(dash, Err(ApiError::Forbidden(_))), "{dash:?}");
        let one_shot = get(OutputFormat::Table).await;
        assert!(
            matches!(one_shot, Err(OutputError::Api(ApiError::Forbidden(_)))),
            "{one_shot:?}"
        );

        // Another error on one side fails both too (only 403/404 are tolerated).
        emu.set_faults("status=500,only=/templates/private")
            .unwrap();
        assert!(
            crate::sync::fetch(&client, ResourceKind::Templates, &token)
                .await
                .is_err()
        );
        assert!(get(OutputFormat::Json).await.is_err());
        emu.shutdown().await;
    }
}
