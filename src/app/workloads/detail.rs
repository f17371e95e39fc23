//! What Enter shows for a workload: the detail views, their log command, replicas and events.

use super::*;

pub(super) fn field(name: &str, value: impl Into<String>) -> DetailLine {
    DetailLine::Field(name.to_string(), value.into())
}

pub(super) fn opt(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

pub(super) fn opt_time(ms: Option<i64>) -> String {
    ms.filter(|t| *t > 0)
        .map(format::datetime)
        .unwrap_or_else(|| "-".to_string())
}

/// The `lep` command that fetches the logs of a workload, if `lep` has one.
pub fn log_command(kind: ResourceKind, id: &str, family: RouteFamily) -> Option<String> {
    match kind {
        ResourceKind::Jobs => Some(format!("lep log get -j {id}")),
        ResourceKind::Endpoints => Some(format!("lep log get -e {id}")),
        // A legacy pod is a deployment; `lep` 0.47.1 has no logs for
        // new-family dev pods.
        ResourceKind::Pods if family == RouteFamily::Legacy => Some(format!("lep log get -e {id}")),
        _ => None,
    }
}

/// What Enter shows for a workload row: the title, the spec summary, what
/// `y` copies there, and the workload whose replicas and events to fetch.
pub struct WorkloadDetailView {
    pub title: String,
    pub lines: Vec<DetailLine>,
    pub copy: Option<(String, String)>,
    pub target: Option<WorkloadRef>,
}

pub(super) fn log_lines(cmd: Option<&str>) -> Vec<DetailLine> {
    vec![
        DetailLine::Blank,
        DetailLine::Heading("Logs".to_string()),
        match cmd {
            Some(c) => field("Command", format!("{c}   (y copies it)")),
            None => DetailLine::Text("lep has no log command for this workload".to_string()),
        },
    ]
}

pub(super) fn finish(
    title: String,
    mut lines: Vec<DetailLine>,
    kind: ResourceKind,
    id: &str,
    family: RouteFamily,
) -> WorkloadDetailView {
    let cmd = log_command(kind, id, family);
    lines.extend(log_lines(cmd.as_deref()));
    WorkloadDetailView {
        title,
        lines,
        copy: cmd.map(|c| ("the log command".to_string(), c)),
        target: Some(WorkloadRef {
            kind,
            id: id.to_string(),
            family,
        }),
    }
}

pub fn endpoint_detail(e: &EndpointView, shapes: Shapes<'_>) -> WorkloadDetailView {
    let per = gpus_per_replica(shapes, e.shape.as_deref());
    let lines = vec![
        field("Name", e.name.clone()),
        field("ID", e.id.clone()),
        field(
            "State",
            format!("{} ({})", e.state_text(), e.state_class().as_str()),
        ),
        field(
            "Replicas",
            format!(
                "{} ready/desired, min {} max {}",
                endpoint_replicas(e),
                e.min_replicas.map_or("-".into(), |n| n.to_string()),
                e.max_replicas.map_or("-".into(), |n| n.to_string())
            ),
        ),
        field("Shape", opt(e.shape.as_deref())),
        field("GPUs per replica", per.map_or("-".to_string(), format::num)),
        field("Image", opt(e.image.as_deref())),
        field("URL", opt(e.url.as_deref())),
        field("Node groups", groups(&e.node_groups).into_owned()),
        field("Priority", opt(e.priority_class.as_deref())),
        field("Owner", opt(e.owner.as_deref())),
        field("Created", opt_time(e.created_at)),
        field("Routes", e.family.as_str()),
    ];
    finish(
        format!("Endpoint {}", e.name),
        lines,
        ResourceKind::Endpoints,
        &e.id,
        e.family,
    )
}

pub fn job_detail(j: &Job, shapes: Shapes<'_>, now_ms: i64) -> WorkloadDetailView {
    let s = j.status.clone().unwrap_or_default();
    let (start, end) = job_times(j);
    let mut lines = vec![
        field("Name", j.name()),
        field("ID", j.id()),
        field(
            "State",
            format!("{} ({})", job_state_text(j), j.state_class().as_str()),
        ),
        field(
            "Workers",
            format!(
                "{} ready, {} active, {} succeeded, {} failed of {}",
                s.ready,
                s.active,
                s.succeeded,
                s.failed,
                j.spec.workers()
            ),
        ),
        field(
            "Retries",
            format!(
                "{} earlier attempts; limits: per worker {}, whole job {}",
                s.job_history.len(),
                j.spec
                    .max_failure_retry
                    .map_or("-".into(), |n| n.to_string()),
                j.spec
                    .max_job_failure_retry
                    .map_or("-".into(), |n| n.to_string())
            ),
        ),
        field("Started", opt_time(start)),
        field("Finished", opt_time(end)),
        field(
            "Duration",
            job_duration_secs(j, now_ms).map_or("-".to_string(), format::short_duration),
        ),
        field("Shape", opt(j.spec.resource_shape.as_deref())),
        field(
            "GPUs",
            gpus_cell(
                gpus_per_replica(shapes, j.spec.resource_shape.as_deref()),
                Some(j.spec.workers()),
            )
            .into_owned(),
        ),
        field("Image", opt(j.spec.container.image.as_deref())),
        field(
            "Command",
            if j.spec.container.command.is_empty() {
                "-".to_string()
            } else {
                j.spec.container.command.join(" ")
            },
        ),
        field(
            "Node groups",
            groups(
                j.spec
                    .affinity
                    .as_ref()
                    .map_or(&[][..], |a| &a.allowed_dedicated_node_groups),
            )
            .into_owned(),
        ),
        field(
            "Priority",
            opt(j
                .spec
                .queue_config
                .as_ref()
                .and_then(|q| q.priority_class.as_deref())),
        ),
        field(
            "Owner",
            opt(j.metadata.owner.as_deref().or(j.metadata.created_by())),
        ),
        field("Created", opt_time(j.metadata.created_at)),
    ];
    if !s.job_history.is_empty() {
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Heading("Earlier attempts".to_string()));
        for (n, a) in s.job_history.iter().enumerate() {
            lines.push(DetailLine::Text(format!(
                "{}. {}: {} failed, {} succeeded, started {}",
                n + 1,
                a.state.as_ref().map_or("UNK", |s| s.as_str()),
                a.failed,
                a.succeeded,
                opt_time(a.creation_time.filter(|t| *t > 0).map(epoch_ms))
            )));
        }
    }
    finish(
        format!("Job {}", j.name()),
        lines,
        ResourceKind::Jobs,
        j.id(),
        RouteFamily::Legacy,
    )
}

pub fn pod_detail(p: &PodView, shapes: Shapes<'_>) -> WorkloadDetailView {
    let mut lines = vec![
        field("Name", p.name.clone()),
        field("ID", p.id.clone()),
        field(
            "State",
            format!("{} ({})", p.state_text(), p.state_class().as_str()),
        ),
        field("Stopped", if p.stopped { "yes" } else { "no" }),
        field("Shape", opt(p.shape.as_deref())),
        field(
            "GPUs",
            gpus_per_replica(shapes, p.shape.as_deref()).map_or("-".to_string(), format::num),
        ),
        field("Image", opt(p.image.as_deref())),
        field("Public IP", opt(p.public_ip.as_deref())),
        field("SSH", p.ssh_command().unwrap_or_else(|| "-".to_string())),
        field("Node groups", groups(&p.node_groups).into_owned()),
        field("Owner", opt(p.owner.as_deref())),
        field("Created", opt_time(p.created_at)),
        field("Routes", p.family.as_str()),
    ];
    if !p.ports.is_empty() {
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Heading("Port mappings".to_string()));
        for m in &p.ports {
            lines.push(DetailLine::Text(format!(
                "container {} -> host {}",
                m.container_port, m.host_port
            )));
        }
    }
    finish(
        format!("Pod {}", p.name),
        lines,
        ResourceKind::Pods,
        &p.id,
        p.family,
    )
}

pub fn node_detail(g: &NodeGroupRow) -> WorkloadDetailView {
    let (ok, bad, all) = g.node_counts();
    let (ga, gu, gt) = g.gpu_counts();
    let mut lines = vec![
        field("Name", g.group.name()),
        field("ID", g.group.id()),
        field("State", g.state_text()),
        field("Type", g.node_type()),
        field("GPU type", opt(g.group.spec.gpu_product.as_deref())),
        field(
            "Nodes",
            format!(
                "{ok} healthy, {bad} unhealthy, {all} in all (desired {}, ready {})",
                g.group
                    .spec
                    .desired_nodes
                    .map_or("-".into(), |n| n.to_string()),
                g.group
                    .status
                    .ready_nodes
                    .map_or("-".into(), |n| n.to_string())
            ),
        ),
        field("GPUs", format!("{ga} available, {gu} used, {gt} in all")),
        field("Created", opt_time(g.group.metadata.created_at)),
    ];
    if let Some(e) = &g.error {
        lines.push(field("Nodes error", e.clone()));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading("Nodes".to_string()));
    if g.nodes.is_empty() {
        lines.push(DetailLine::Text("(none)".to_string()));
    }
    for n in &g.nodes {
        let status = n
            .status
            .as_ref()
            .map(|s| s.status.join(","))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "UNK".to_string());
        let gpu = n
            .spec
            .resource
            .as_ref()
            .and_then(|r| r.gpu.as_ref())
            .map_or("-".to_string(), |g| format!("{}/{}", g.allocated, g.total));
        let mark = if n.is_unhealthy() { "! " } else { "" };
        let cordoned = if n.spec.unschedulable {
            " cordoned"
        } else {
            ""
        };
        lines.push(DetailLine::Text(format!(
            "{mark}{}  {status}{cordoned}  GPU {gpu}",
            n.metadata
                .name
                .as_deref()
                .or(n.metadata.id.as_deref())
                .unwrap_or("-"),
        )));
    }
    WorkloadDetailView {
        title: format!("Node group {}", g.group.name()),
        lines,
        copy: Some((format!("\"{}\"", g.group.id()), g.group.id().to_string())),
        target: None,
    }
}

/// The replicas and events part of a workload's details.
pub fn detail_section(result: Option<&Result<WorkloadDetail, ApiError>>) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Blank,
        DetailLine::Heading("Replicas".to_string()),
    ];
    let Some(result) = result else {
        lines.push(DetailLine::Text("loading…".to_string()));
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Heading("Recent events".to_string()));
        lines.push(DetailLine::Text("loading…".to_string()));
        return lines;
    };
    let (replicas, events) = match result {
        Ok(d) => (d.replicas.clone(), d.events.clone()),
        Err(e) => (Err(e.clone()), Err(e.clone())),
    };
    lines.extend(replica_lines(replicas));
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading("Recent events".to_string()));
    lines.extend(event_lines(events));
    lines
}

pub(super) fn unavailable(e: &ApiError) -> DetailLine {
    if matches!(e, ApiError::NotFound(_)) {
        DetailLine::Text("not available on this workspace".to_string())
    } else {
        DetailLine::Text(format!("could not load: {e}"))
    }
}

pub(super) fn replica_lines(r: Result<Listed<Replica>, ApiError>) -> Vec<DetailLine> {
    match r {
        Err(e) => vec![unavailable(&e)],
        Ok(l) if l.items.is_empty() => vec![DetailLine::Text("(none)".to_string())],
        Ok(l) => l
            .items
            .iter()
            .map(|r| {
                let node = r
                    .status
                    .as_ref()
                    .and_then(|s| s.node.as_ref())
                    .map(|n| if n.name.is_empty() { &n.id } else { &n.name })
                    .filter(|s| !s.is_empty())
                    .map_or(String::new(), |n| format!("  on {n}"));
                let ip = r
                    .status
                    .as_ref()
                    .and_then(|s| s.public_ip.as_deref())
                    .map_or(String::new(), |ip| format!("  ip {ip}"));
                DetailLine::Text(format!("{}{node}{ip}", r.replica_id()))
            })
            .collect(),
    }
}

/// Events newest last as sent; at most the last 20.
pub(super) fn event_lines(r: Result<Listed<Event>, ApiError>) -> Vec<DetailLine> {
    match r {
        Err(e) => vec![unavailable(&e)],
        Ok(l) if l.items.is_empty() => vec![DetailLine::Text("(none)".to_string())],
        Ok(l) => {
            let skip = l.items.len().saturating_sub(20);
            l.items
                .iter()
                .skip(skip)
                .map(|e| {
                    let mark = if e.is_warning() { "! " } else { "" };
                    let when = match &e.last_observed_time {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Number(n)) => n
                            .as_i64()
                            .map(|t| format::datetime(epoch_ms(t)))
                            .unwrap_or_else(|| n.to_string()),
                        _ => "-".to_string(),
                    };
                    let msg = e
                        .message
                        .as_deref()
                        .map_or(String::new(), |m| format!(": {m}"));
                    DetailLine::Text(format!(
                        "{mark}{when}  {} {} x{}{msg}",
                        e.kind, e.reason, e.count
                    ))
                })
                .collect()
        }
    }
}
