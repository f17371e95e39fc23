//! Text tables of `lepdash get` and the key-value lines of `lepdash info`.

use super::*;

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
pub(super) fn truncate(s: &str, max: usize) -> String {
    crate::text::truncate(s, max, "…").into_owned()
}

/// Without `-o wide`, only the first `n` columns.
pub(super) fn narrow<'a>(
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

pub(super) fn table_or_empty(
    headers: &[&str],
    keep: &[usize],
    rows: Vec<Vec<String>>,
    noun: &str,
) -> String {
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

pub(super) fn members_table(items: &[Member], wide: bool) -> String {
    let mut items: Vec<&Member> = items.iter().collect();
    items.sort_by(|a, b| a.email.cmp(&b.email));
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|m| {
            vec![
                m.email.to_string(),
                m.name.as_deref().unwrap_or("-").to_string(),
                m.role.to_string(),
                m.status.to_string(),
                date(m.last_active_at),
                date(m.created_at),
                m.invited_by.as_deref().unwrap_or("-").to_string(),
                m.id.to_string(),
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

pub(super) fn tokens_table(items: &[Token], now: i64, wide: bool) -> String {
    let mut items: Vec<&Token> = items.iter().collect();
    items.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|t| {
            vec![
                t.name.to_string(),
                t.masked_value.to_string(),
                expires_label(t.expires_at, now),
                date(t.created_at),
                t.created_by.as_deref().unwrap_or("-").to_string(),
                if t.scopes.is_empty() {
                    "-".into()
                } else {
                    t.scopes.join(",")
                },
                t.id.to_string(),
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

pub(super) fn secrets_table(items: &[Secret]) -> String {
    let mut items: Vec<&Secret> = items.iter().collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|s| {
            vec![
                s.name.to_string(),
                s.visibility
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into()),
                s.owner.as_deref().unwrap_or("-").to_string(),
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

pub(super) fn registries_table(items: &[Registry], wide: bool) -> String {
    let mut items: Vec<&Registry> = items.iter().collect();
    items.sort_by(|a, b| a.name().cmp(b.name()));
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|r| {
            vec![
                r.name().to_string(),
                r.spec.registry_server.to_string(),
                r.spec.username.to_string(),
                r.metadata
                    .owner
                    .as_deref()
                    .or(r.metadata.created_by())
                    .unwrap_or("-")
                    .to_string(),
                date(r.metadata.created_at),
                r.spec.provider.as_deref().unwrap_or("-").to_string(),
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

pub(super) fn templates_table(entries: &[TemplateEntry], wide: bool) -> String {
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
                    .and_then(|s| s.state.as_deref())
                    .unwrap_or("-")
                    .to_string(),
            ]);
        }
    }
    let (headers, rows) = narrow(&["NAME", "ID", "WORKLOAD", "SCOPE", "STATE"], rows, 4, wide);
    table_or_empty(headers, &[1, 2, 3], rows, "templates")
}

/// The activation state and, when not active, what to do about it.
pub(super) fn activation_text(r: Option<&Resolver>) -> (String, Option<String>) {
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

pub(super) fn status_text(
    id: &str,
    base: &str,
    info: &WorkspaceInfo,
    r: Option<&Resolver>,
) -> String {
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
pub(super) fn kv_lines(kv: &[(&str, String)]) -> String {
    kv_lines_except(kv, None)
}

/// Like [`kv_lines`], but the value of `uncut` is printed whole.
pub(super) fn kv_lines_except(kv: &[(&str, String)], uncut: Option<&str>) -> String {
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
