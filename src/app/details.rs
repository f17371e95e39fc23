//! The detail view of one row (Enter): every field of the record, and for a
//! template its content and input schema. Pure: builds a [`Detail`] overlay.

use crate::protocol::SyncCmd;

use super::view::{Source, expiry_text};
use super::workloads as wl;
use super::{Detail, DetailLine, Effect, Model, Overlay, format};

fn field(name: &str, value: impl Into<String>) -> DetailLine {
    DetailLine::Field(name.to_string(), value.into())
}

fn opt(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn opt_time(ms: Option<i64>) -> String {
    ms.map(format::datetime).unwrap_or_else(|| "-".to_string())
}

fn json_lines(value: &serde_json::Value) -> Vec<DetailLine> {
    if value.is_null() {
        return vec![DetailLine::Text("(none)".to_string())];
    }
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.lines()
        .map(|l| DetailLine::Text(l.to_string()))
        .collect()
}

/// Open the detail view of the visible pane's selected row. A workload's
/// replicas and events are fetched (an effect) and filled in when they come.
pub(super) fn open(model: &mut Model, fx: &mut Vec<Effect>) {
    let kind = model.pane;
    let Some(i) = model.view(kind).selected_item() else {
        return;
    };
    let now_ms = model.now_ms();
    let workload = match model.source(kind) {
        Source::Endpoints(v, shapes) => Some(wl::endpoint_detail(&v[i], shapes)),
        Source::Jobs(v, shapes) => Some(wl::job_detail(&v[i], shapes, now_ms)),
        Source::Pods(v, shapes) => Some(wl::pod_detail(&v[i], shapes)),
        Source::Nodes(v) => Some(wl::node_detail(&v[i])),
        _ => None,
    };
    if let Some(w) = workload {
        let mut lines = w.lines;
        model.workload_detail = w.target.map(|t| (t, lines.len()));
        if let Some((target, _)) = &model.workload_detail {
            lines.extend(wl::detail_section(None));
            fx.push(Effect::Sync(SyncCmd::FetchWorkloadDetail(target.clone())));
        }
        model.overlay = Some(Overlay::Detail(Detail {
            title: w.title,
            lines,
            scroll: 0,
            copy: w.copy,
        }));
        return;
    }
    model.workload_detail = None;
    let detail = match model.source(kind) {
        Source::Templates(v) => {
            let e = &v[i];
            let t = &e.template;
            let access = if e.public { "public" } else { "private" };
            let workload = t
                .spec
                .workload_type
                .as_ref()
                .map(|w| w.as_str().to_string())
                .unwrap_or_else(|| "-".to_string());
            let mut lines = vec![
                field("Name", t.name()),
                field("ID", t.id()),
                field("Access", access),
                field("Workload", workload.clone()),
                field(
                    "State",
                    opt(t.status.as_ref().and_then(|s| s.state.as_deref())),
                ),
                field("Created", opt_time(t.metadata.created_at)),
                field("Created by", opt(t.metadata.created_by.as_deref())),
                DetailLine::Blank,
                DetailLine::Heading("Content".to_string()),
            ];
            lines.extend(json_lines(&t.spec.content.value()));
            lines.push(DetailLine::Blank);
            lines.push(DetailLine::Heading("Input schema".to_string()));
            lines.extend(json_lines(&t.spec.schema()));
            Detail {
                title: format!("Template {} ({access}, {workload})", t.name()),
                lines,
                scroll: 0,
                copy: Some((format!("template id {}", t.id()), t.id().to_string())),
            }
        }
        Source::Secrets(v) => {
            let s = &v[i];
            Detail {
                title: format!("Secret {}", s.name),
                lines: vec![
                    field("Name", s.name.clone()),
                    field(
                        "Visibility",
                        s.visibility
                            .as_ref()
                            .map(|v| v.as_str().to_string())
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field("Owner", opt(s.owner.as_deref())),
                    field(
                        "Tags",
                        if s.tags.is_empty() {
                            "-".to_string()
                        } else {
                            s.tags.join(", ")
                        },
                    ),
                    DetailLine::Blank,
                    DetailLine::Text(
                        "Values are write-only: the API never returns them.".to_string(),
                    ),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", s.name), s.name.clone())),
            }
        }
        Source::Members(v) => {
            let m = &v[i];
            Detail {
                title: format!("Member {}", m.email),
                lines: vec![
                    field("Email", m.email.clone()),
                    field("Name", opt(m.name.as_deref())),
                    field("Role", m.role.as_str()),
                    field("Status", m.status.as_str()),
                    field("Joined", opt_time(m.created_at)),
                    field(
                        "Last active",
                        m.last_active_at
                            .map(format::datetime)
                            .unwrap_or_else(|| "never".into()),
                    ),
                    field("Invited by", opt(m.invited_by.as_deref())),
                    field("ID", m.id.clone()),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", m.email), m.email.clone())),
            }
        }
        Source::Tokens(v, own) => {
            let t = &v[i];
            let mut lines = vec![
                field("Name", t.name.clone()),
                field("ID", t.id.clone()),
                field("Value", t.masked_value.clone()),
                field(
                    "Scopes",
                    if t.scopes.is_empty() {
                        "-".to_string()
                    } else {
                        t.scopes.join(", ")
                    },
                ),
                field("Created", opt_time(t.created_at)),
                field(
                    "Expires",
                    match t.expires_at {
                        Some(e) => {
                            format!("{} ({})", format::datetime(e), expiry_text(Some(e), now_ms))
                        }
                        None => "never".to_string(),
                    },
                ),
                field("Created by", opt(t.created_by.as_deref())),
            ];
            if own == Some(t.id.as_str()) {
                lines.push(DetailLine::Blank);
                lines.push(DetailLine::Text(
                    "This is the token lepdash is using.".to_string(),
                ));
            }
            Detail {
                title: format!("Token {}", t.name),
                lines,
                scroll: 0,
                copy: Some((format!("\"{}\"", t.name), t.name.clone())),
            }
        }
        Source::Registries(v) => {
            let r = &v[i];
            Detail {
                title: format!("Registry {}", r.name()),
                lines: vec![
                    field("Name", r.name()),
                    field("ID", r.id()),
                    field("Server", opt(Some(&r.spec.registry_server))),
                    field("Username", opt(Some(&r.spec.username))),
                    field("Email", opt(r.spec.email.as_deref())),
                    field("Provider", opt(r.spec.provider.as_deref())),
                    field("Created", opt_time(r.metadata.created_at)),
                    field("Owner", opt(r.metadata.owner.as_deref())),
                    DetailLine::Blank,
                    DetailLine::Text(
                        "Passwords are write-only: the API never returns them.".to_string(),
                    ),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", r.name()), r.name().to_string())),
            }
        }
        Source::Shapes(v) => {
            let s = &v[i];
            let n = |x: Option<f64>| x.map(format::num).unwrap_or_else(|| "-".into());
            Detail {
                title: format!("Shape {}", s.name),
                lines: vec![
                    field("Name", s.name.clone()),
                    field("Description", opt(s.shape.description.as_deref())),
                    field("CPU (cores)", n(s.shape.cpu)),
                    field(
                        "Memory",
                        s.shape
                            .memory
                            .map(format::mib)
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field("Accelerator", opt(s.shape.accelerator_type.as_deref())),
                    field("Accelerators", n(s.shape.accelerator_num)),
                    field("Fraction", n(s.shape.accelerator_fraction)),
                ],
                scroll: 0,
                copy: Some((format!("\"{}\"", s.name), s.name.clone())),
            }
        }
        // Opened above.
        Source::Endpoints(..) | Source::Jobs(..) | Source::Pods(..) | Source::Nodes(_) => return,
    };
    model.overlay = Some(Overlay::Detail(detail));
}

/// The replicas and events of the workload whose details are open arrived:
/// fill them in (an answer for another workload, or a closed view, is dropped).
pub(super) fn workload_detail_arrived(
    model: &mut Model,
    target: &crate::protocol::WorkloadRef,
    result: &Result<crate::protocol::WorkloadDetail, crate::api::ApiError>,
) -> bool {
    let Some((open, base)) = &model.workload_detail else {
        return false;
    };
    if open != target {
        return false;
    }
    let base = *base;
    let Some(Overlay::Detail(d)) = &mut model.overlay else {
        model.workload_detail = None;
        return false;
    };
    d.lines.truncate(base);
    d.lines.extend(wl::detail_section(Some(result)));
    true
}
