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

mod workloads;

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

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
}

impl OutputError {
    /// What to do about it (empty when there is nothing useful to say).
    pub fn hint(&self) -> &'static str {
        match self {
            OutputError::Api(e) => e.hint(),
            OutputError::Io(_) => "is the output closed (a pipe that ended early)?",
            OutputError::Json(_) => "",
        }
    }
}

/// Fetch one resource kind through the sync task's own fetch functions
/// ([`mod@crate::sync::fetch`]), so a partial failure (the resolver of Status,
/// one template side answering 403/404) is tolerated the same way as in the
/// dashboard, and print it. `token` is the plaintext the client sends.
pub async fn get(
    client: &Client,
    kind: ResourceKind,
    format: OutputFormat,
    token: &str,
    out: &mut dyn Write,
) -> Result<(), OutputError> {
    let base = client.base_url().trim_end_matches('/').to_string();
    let workspace = paths::split_base(&base)
        .map(|(_, id)| id)
        .unwrap_or_else(|| base.clone());
    let now = jiff::Timestamp::now().as_millisecond();
    let wide = format == OutputFormat::Wide;
    let envelope = |extra: Value| -> Value {
        let mut v = json!({
            "kind": kind.label(),
            "workspace": workspace,
            "base_url": base,
        });
        if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
            m.extend(e);
        }
        v
    };
    if kind == ResourceKind::Templates {
        let lists = fetch::templates(client).await?;
        emit_templates(out, format, envelope, &lists)?;
        out.flush()?;
        return Ok(());
    }
    if kind.is_workload() {
        // Shapes give the GPU counts; a workspace that cannot say still lists.
        // One `/workspace` read gives both the route family and the shapes.
        let info = client.workspace().await.ok();
        let family = info
            .as_ref()
            .map(|i| crate::api::workloads::RouteFamily::from_features(i.features.as_ref()));
        let fetched = fetch::fetch_in(client, kind, token, family).await?;
        let shapes = info.map(|i| i.supported_shapes);
        workloads::emit(out, format, &envelope, &fetched, shapes.as_ref(), now)?;
        out.flush()?;
        return Ok(());
    }
    match fetch::fetch(client, kind, token).await? {
        Fetched::Status { info, resolver } => match format {
            OutputFormat::Json => write_json(
                out,
                &envelope(json!({"status": info, "resolver": resolver})),
            )?,
            OutputFormat::Table | OutputFormat::Wide => {
                out.write_all(status_text(&workspace, &base, &info, resolver.as_ref()).as_bytes())?
            }
        },
        Fetched::Members(list) => {
            emit_list(out, format, envelope, &list, || {
                members_table(&list.items, wide)
            })?;
        }
        Fetched::Tokens { list, .. } => {
            emit_list(out, format, envelope, &list, || {
                tokens_table(&list.items, now, wide)
            })?;
        }
        Fetched::Secrets(list) => {
            emit_list(out, format, envelope, &list, || secrets_table(&list.items))?;
        }
        Fetched::Registries(list) => {
            emit_list(out, format, envelope, &list, || {
                registries_table(&list.items, wide)
            })?;
        }
        Fetched::Templates(list) => {
            let lists = TemplateLists {
                list,
                refused: Vec::new(),
            };
            emit_templates(out, format, envelope, &lists)?;
        }
        other => {
            workloads::emit(out, format, &envelope, &other, None, now)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Templates: JSON items carry `"namespace"`; a side the server refused
/// (403/404) is named in `"unavailable"` (JSON) or a note under the table.
fn emit_templates(
    out: &mut dyn Write,
    format: OutputFormat,
    envelope: impl Fn(Value) -> Value,
    lists: &TemplateLists,
) -> Result<(), OutputError> {
    let entries = &lists.list.items;
    let skipped = lists.list.skipped.len();
    match format {
        OutputFormat::Json => {
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
            write_json(
                out,
                &envelope(json!({"items": items, "skipped": skipped, "unavailable": unavailable})),
            )
        }
        OutputFormat::Table | OutputFormat::Wide => {
            out.write_all(templates_table(entries, format == OutputFormat::Wide).as_bytes())?;
            write_skipped(out, skipped)?;
            for r in &lists.refused {
                writeln!(
                    out,
                    "(not shown: {})",
                    truncate(&sanitize(r), fit_width().saturating_sub(12))
                )?;
            }
            Ok(())
        }
    }
}

fn emit_list<T: Serialize>(
    out: &mut dyn Write,
    format: OutputFormat,
    envelope: impl Fn(Value) -> Value,
    list: &Listed<T>,
    table: impl FnOnce() -> String,
) -> Result<(), OutputError> {
    match format {
        OutputFormat::Json => write_json(
            out,
            &envelope(json!({"items": list.items, "skipped": list.skipped.len()})),
        ),
        OutputFormat::Table | OutputFormat::Wide => {
            out.write_all(table().as_bytes())?;
            write_skipped(out, list.skipped.len())?;
            Ok(())
        }
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

fn write_skipped(out: &mut dyn Write, n: usize) -> io::Result<()> {
    match n {
        0 => Ok(()),
        1 => writeln!(
            out,
            "(1 item the server sent could not be read and was skipped)"
        ),
        n => writeln!(
            out,
            "({n} items the server sent could not be read and were skipped)"
        ),
    }
}

// ------------------------------------------------------------------ tables

/// Render rows under headers within `max_width` columns: the widest columns
/// shrink first (never below their header or 6 columns); if that is not
/// enough, trailing columns are dropped. Cells are sanitised.
pub fn render_table(headers: &[&str], rows: &[Vec<String>], max_width: usize) -> String {
    render_table_keeping(headers, &[], rows, max_width)
}

/// Like [`render_table`], but the columns whose index is in `keep` shrink
/// only once every other column is at its minimum.
pub fn render_table_keeping(
    headers: &[&str],
    keep: &[usize],
    rows: &[Vec<String>],
    max_width: usize,
) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| sanitize(c).into_owned()).collect())
        .collect();
    let mut ncols = headers.len();
    let natural: Vec<usize> = (0..ncols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .chain([width(headers[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let min: Vec<usize> = (0..ncols)
        .map(|i| natural[i].min(width(headers[i]).max(6)))
        .collect();
    let mut widths = natural.clone();
    let total = |w: &[usize], n: usize| -> usize {
        w[..n].iter().sum::<usize>() + GAP.len() * n.saturating_sub(1)
    };
    loop {
        for protected in [false, true] {
            while total(&widths, ncols) > max_width {
                // Shrink the column with the most room left.
                let candidate = (0..ncols)
                    .filter(|&i| widths[i] > min[i] && (protected || !keep.contains(&i)))
                    .max_by_key(|&i| (widths[i] - min[i], widths[i]));
                match candidate {
                    Some(i) => widths[i] -= 1,
                    None => break,
                }
            }
        }
        if total(&widths, ncols) <= max_width || ncols <= 1 {
            break;
        }
        ncols -= 1;
        widths = natural.clone();
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate().take(ncols) {
            let cell = truncate(c, widths[i]);
            if i + 1 == ncols {
                l.push_str(&cell);
            } else {
                l.push_str(&pad(&cell, widths[i]));
                l.push_str(GAP);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(headers.iter().map(|h| h.to_string()).collect(), &mut out);
    for r in rows {
        line(r, &mut out);
    }
    out
}

/// Cut to `max` columns with `…` (see [`crate::text::truncate`]).
fn truncate(s: &str, max: usize) -> String {
    crate::text::truncate(s, max, "…").into_owned()
}

/// Without `-o wide`, only the first `n` columns.
fn narrow<'a>(
    headers: &'a [&'a str],
    mut rows: Vec<Vec<String>>,
    n: usize,
    wide: bool,
) -> (&'a [&'a str], Vec<Vec<String>>) {
    if wide {
        return (headers, rows);
    }
    for r in &mut rows {
        r.truncate(n);
    }
    (&headers[..n.min(headers.len())], rows)
}

fn table_or_empty(headers: &[&str], keep: &[usize], rows: Vec<Vec<String>>, noun: &str) -> String {
    if rows.is_empty() {
        format!("No {noun}.\n")
    } else {
        render_table_keeping(headers, keep, &rows, fit_width())
    }
}

/// A token's expiry as the dashboard's Tokens pane words it (one
/// computation for both): `EXPIRES in 4d`, `in 40d`, `EXPIRED 3d ago`, `never`.
pub fn expires_label(ms: Option<i64>, now_ms: i64) -> String {
    crate::app::view::expiry_text(ms, now_ms)
}

fn members_table(items: &[Member], wide: bool) -> String {
    let mut items: Vec<&Member> = items.iter().collect();
    items.sort_by(|a, b| a.email.cmp(&b.email));
    let rows = items
        .iter()
        .map(|m| {
            vec![
                m.email.clone(),
                m.name.clone().unwrap_or_else(|| "-".into()),
                m.role.to_string(),
                m.status.to_string(),
                date(m.last_active_at),
                date(m.created_at),
                m.invited_by.clone().unwrap_or_else(|| "-".into()),
                m.id.clone(),
            ]
        })
        .collect();
    let (headers, rows) = narrow(
        &[
            "EMAIL",
            "NAME",
            "ROLE",
            "STATUS",
            "LAST ACTIVE",
            "JOINED",
            "INVITED BY",
            "ID",
        ],
        rows,
        5,
        wide,
    );
    table_or_empty(headers, &[2, 3, 4], rows, "members")
}

fn tokens_table(items: &[Token], now: i64, wide: bool) -> String {
    let mut items: Vec<&Token> = items.iter().collect();
    items.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let rows = items
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.masked_value.clone(),
                expires_label(t.expires_at, now),
                date(t.created_at),
                t.created_by.clone().unwrap_or_else(|| "-".into()),
                if t.scopes.is_empty() {
                    "-".into()
                } else {
                    t.scopes.join(",")
                },
                t.id.clone(),
            ]
        })
        .collect();
    let (headers, rows) = narrow(
        &[
            "NAME",
            "TOKEN",
            "EXPIRES",
            "CREATED",
            "CREATED BY",
            "SCOPES",
            "ID",
        ],
        rows,
        5,
        wide,
    );
    table_or_empty(headers, &[1, 2, 3], rows, "tokens")
}

fn secrets_table(items: &[Secret]) -> String {
    let mut items: Vec<&Secret> = items.iter().collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    let rows = items
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.visibility
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into()),
                s.owner.clone().unwrap_or_else(|| "-".into()),
                if s.tags.is_empty() {
                    "-".into()
                } else {
                    s.tags.join(",")
                },
            ]
        })
        .collect();
    table_or_empty(
        &["NAME", "VISIBILITY", "OWNER", "TAGS"],
        &[0, 1],
        rows,
        "secrets",
    )
}

fn registries_table(items: &[Registry], wide: bool) -> String {
    let mut items: Vec<&Registry> = items.iter().collect();
    items.sort_by(|a, b| a.name().cmp(b.name()));
    let rows = items
        .iter()
        .map(|r| {
            vec![
                r.name().to_string(),
                r.spec.registry_server.clone(),
                r.spec.username.clone(),
                r.metadata
                    .owner
                    .clone()
                    .or_else(|| r.metadata.created_by.clone())
                    .unwrap_or_else(|| "-".into()),
                date(r.metadata.created_at),
                r.spec.provider.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let (headers, rows) = narrow(
        &["NAME", "SERVER", "USERNAME", "OWNER", "CREATED", "PROVIDER"],
        rows,
        5,
        wide,
    );
    table_or_empty(headers, &[0, 4], rows, "registries")
}

fn templates_table(entries: &[TemplateEntry], wide: bool) -> String {
    let mut rows = Vec::new();
    for public in [true, false] {
        let mut list: Vec<&Template> = entries
            .iter()
            .filter(|e| e.public == public)
            .map(|e| &e.template)
            .collect();
        list.sort_by(|a, b| a.name().cmp(b.name()).then(a.id().cmp(b.id())));
        let scope = if public { "public" } else { "private" };
        for t in list {
            rows.push(vec![
                t.name().to_string(),
                t.id().to_string(),
                t.spec
                    .workload_type
                    .as_ref()
                    .map(|w| w.to_string())
                    .unwrap_or_else(|| "-".into()),
                scope.to_string(),
                t.status
                    .as_ref()
                    .and_then(|s| s.state.clone())
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
    }
    let (headers, rows) = narrow(&["NAME", "ID", "WORKLOAD", "SCOPE", "STATE"], rows, 4, wide);
    table_or_empty(headers, &[1, 2, 3], rows, "templates")
}

/// The activation state and, when not active, what to do about it.
fn activation_text(r: Option<&Resolver>) -> (String, Option<String>) {
    match r.map(Resolver::activation) {
        None => (
            "unknown (the workspace resolver did not answer)".into(),
            None,
        ),
        Some(ActivationState::Active) => ("active".into(), None),
        Some(ActivationState::Pending) => (
            "pending review".into(),
            Some("NVIDIA reviews the application and will contact you".into()),
        ),
        Some(ActivationState::NotActivated) => (
            "not activated (early access)".into(),
            Some(format!("apply at {}", paths::ACTIVATION_APPLY_URL)),
        ),
        Some(ActivationState::Unknown(s)) => (s, None),
    }
}

fn status_text(id: &str, base: &str, info: &WorkspaceInfo, r: Option<&Resolver>) -> String {
    let name = r
        .and_then(|r| r.display_name.as_deref())
        .filter(|n| !n.trim().is_empty() && *n != id)
        .map(|n| format!("{n} ({id})"))
        .unwrap_or_else(|| id.to_string());
    let (activation, next_step) = activation_text(r);
    let mut kv: Vec<(&str, String)> = vec![
        ("workspace", name),
        ("url", base.to_string()),
        ("activation", activation),
    ];
    if let Some(step) = next_step {
        kv.push(("next step", step));
    }
    kv.push(("state", info.workspace_state.to_string()));
    if info.not_in_use == Some(true) {
        kv.push(("in use", "no (not_in_use is set)".into()));
    }
    kv.extend([
        ("tier", info.workspace_tier.clone()),
        ("version", info.git_commit.clone()),
        ("build time", info.build_time.clone()),
        ("disk usage", human_bytes(info.workspace_disk_usage_bytes)),
        (
            "workloads",
            format!(
                "{} deployments, {} jobs, {} pods",
                info.workloads.num_deployments, info.workloads.num_jobs, info.workloads.num_pods
            ),
        ),
        (
            "secrets",
            format!(
                "{} secrets, {} registries",
                info.workloads.num_secrets, info.workloads.num_image_pull_secrets
            ),
        ),
    ]);
    let mut out = kv_lines(&kv);
    out.push_str("quota:\n");
    let q = &info.resource_quota;
    let rows = vec![
        vec![
            "cpu (cores)".into(),
            format!("{:.1}", q.limit.cpu),
            format!("{:.1}", q.used.cpu),
        ],
        vec![
            "memory (MiB)".into(),
            format!("{}", q.limit.memory.round() as i64),
            format!("{}", q.used.memory.round() as i64),
        ],
        vec![
            "gpu (cards)".into(),
            format!("{:.1}", q.limit.accelerator_num),
            format!("{:.1}", q.used.accelerator_num),
        ],
    ];
    out.push_str(&render_table(
        &["RESOURCE", "LIMIT", "USED"],
        &rows,
        fit_width(),
    ));
    out
}

/// `key:        value` lines, values cut to fit the output width.
fn kv_lines(kv: &[(&str, String)]) -> String {
    kv_lines_except(kv, None)
}

/// Like [`kv_lines`], but the value of `uncut` is printed whole.
fn kv_lines_except(kv: &[(&str, String)], uncut: Option<&str>) -> String {
    let kw = kv.iter().map(|(k, _)| width(k) + 1).max().unwrap_or(0) + 2;
    let mut out = String::new();
    for (k, v) in kv {
        let key = pad(&format!("{k}:"), kw);
        let v = if Some(*k) == uncut {
            sanitize(v).into_owned()
        } else {
            truncate(&sanitize(v), fit_width().saturating_sub(kw))
        };
        out.push_str(key.trim_end_matches(' '));
        if !v.is_empty() {
            out.push_str(&" ".repeat(kw - width(k) - 1));
            out.push_str(&v);
        }
        out.push('\n');
    }
    out
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
        if r.warnings.is_empty() {
            if let Some(w) = expiry_warning(r.current.token_expires_at, now) {
                warnings.push(w);
            }
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
                let r = get(&client, ResourceKind::Templates, format, &token, &mut out).await;
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
