//! The Workloads pane's data and views: endpoints, jobs, pods and node
//! groups as rows (columns, cells, tones, sort keys), their details, and the
//! live summary the Status pane shows. Pure: everything is computed from the
//! model's last good data and the model's clock.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::api::ApiError;
use crate::api::types::{Listed, Shape};
use crate::api::workloads::client::NodeGroupNodes;
use crate::api::workloads::{
    EndpointView, Event, Job, Node, NodeGroup, PodView, Replica, RouteFamily, StateClass, epoch_ms,
};
use crate::protocol::{ResourceKind, WorkloadDetail, WorkloadRef};

use super::view::{ColKind, Column, SortKey, Tone};
use super::{DetailLine, format};

/// Endpoints of the workspace and the route family they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointData {
    pub family: RouteFamily,
    pub list: Vec<EndpointView>,
}

/// Dev pods of the workspace and the route family they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct PodData {
    pub family: RouteFamily,
    pub list: Vec<PodView>,
}

/// Live jobs (every page, bounded).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobData {
    pub jobs: Vec<Job>,
    /// The page or item cap cut the list short.
    pub truncated: bool,
}

/// A node group with its nodes; `error` when its nodes could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroupRow {
    pub group: NodeGroup,
    pub nodes: Vec<Node>,
    pub error: Option<String>,
}

impl NodeGroupRow {
    pub fn from_fetched(g: NodeGroupNodes) -> Self {
        match g.nodes {
            Ok(l) => NodeGroupRow {
                group: g.group,
                nodes: l.items,
                error: None,
            },
            Err(e) => NodeGroupRow {
                group: g.group,
                nodes: Vec::new(),
                error: Some(e.to_string()),
            },
        }
    }

    /// `(healthy, unhealthy, total)` nodes, as `lep node list`.
    pub fn node_counts(&self) -> (usize, usize, usize) {
        (
            self.nodes.iter().filter(|n| n.is_usable()).count(),
            self.nodes.iter().filter(|n| n.is_unhealthy()).count(),
            self.nodes.len(),
        )
    }

    /// `(available, used, total)` GPUs; available counts usable nodes only.
    pub fn gpu_counts(&self) -> (u32, u32, u32) {
        let (mut avail, mut used, mut total) = (0, 0, 0);
        for n in &self.nodes {
            let Some(g) = n.spec.resource.as_ref().and_then(|r| r.gpu.as_ref()) else {
                continue;
            };
            used += g.allocated;
            total += g.total;
            if n.is_usable() {
                avail += g.total.saturating_sub(g.allocated);
            }
        }
        (avail, used, total)
    }

    /// `(used, total)` CPU cores.
    pub fn cpu_counts(&self) -> (f64, f64) {
        self.nodes
            .iter()
            .filter_map(|n| n.spec.resource.as_ref().and_then(|r| r.cpu.as_ref()))
            .fold((0.0, 0.0), |(u, t), c| (u + c.allocated, t + c.total))
    }

    /// `(used, total)` memory, MiB.
    pub fn memory_counts(&self) -> (u64, u64) {
        self.nodes
            .iter()
            .filter_map(|n| n.spec.resource.as_ref().and_then(|r| r.memory.as_ref()))
            .fold((0, 0), |(u, t), m| (u + m.allocated, t + m.total))
    }

    /// `Lepton`, `BYOC`, or the mode as sent.
    pub fn node_type(&self) -> &str {
        match self.group.spec.node_mode.as_deref() {
            Some("lepton-node") => "Lepton",
            Some("customer-node") => "BYOC",
            Some(other) if !other.is_empty() => other,
            _ => "-",
        }
    }

    /// A group with unhealthy nodes, or whose nodes failed to load, needs a look.
    pub fn state_class(&self) -> StateClass {
        let (healthy, bad, total) = self.node_counts();
        if bad > 0 || self.error.is_some() {
            StateClass::Attention
        } else if healthy < total {
            StateClass::Transitional
        } else if total == 0 {
            StateClass::Terminal
        } else {
            StateClass::Healthy
        }
    }

    /// `healthy`, `2 unhealthy`, `1 cordoned`, `nodes unreadable`, `empty`.
    pub fn state_text(&self) -> String {
        let (healthy, bad, total) = self.node_counts();
        if self.error.is_some() {
            "nodes unreadable".to_string()
        } else if bad > 0 {
            format!("{bad} unhealthy")
        } else if healthy < total {
            format!("{} not ready", total - healthy)
        } else if total == 0 {
            "empty".to_string()
        } else {
            "healthy".to_string()
        }
    }
}

/// The supported shapes of the workspace (from `/workspace`), to count GPUs.
pub type Shapes<'a> = Option<&'a BTreeMap<String, Shape>>;

/// GPUs of one replica of `shape` (0 for a CPU shape; `None` when unknown).
pub fn gpus_per_replica(shapes: Shapes<'_>, shape: Option<&str>) -> Option<f64> {
    let s = shapes?.get(shape?)?;
    Some(s.accelerator_num.unwrap_or(0.0))
}

/// The tone of a state class: colour and the state text together, never
/// colour alone.
pub fn class_tone(c: StateClass) -> Tone {
    match c {
        StateClass::Healthy => Tone::Ok,
        StateClass::Transitional | StateClass::Waiting => Tone::Warn,
        StateClass::Attention => Tone::Error,
        StateClass::Terminal => Tone::Muted,
    }
}

/// The state cell: the text as sent, with `!` in front of a state that
/// needs attention (so it reads without colour too).
pub fn state_cell(text: &str, class: StateClass) -> Cow<'static, str> {
    if class == StateClass::Attention {
        Cow::Owned(format!("! {text}"))
    } else {
        Cow::Owned(text.to_string())
    }
}

const fn col(title: &'static str, priority: u8, min: u16, max: u16, kind: ColKind) -> Column {
    Column {
        title,
        priority,
        min,
        max,
        kind,
        right: false,
    }
}

const fn num_col(title: &'static str, priority: u8, min: u16, max: u16) -> Column {
    Column {
        title,
        priority,
        min,
        max,
        kind: ColKind::Num,
        right: true,
    }
}

use ColKind::{Relative, Text};

pub const ENDPOINT_COLUMNS: &[Column] = &[
    col("Name", 0, 8, 32, Text),
    col("State", 0, 7, 14, Text),
    num_col("Ready", 0, 5, 7),
    col("Shape", 1, 6, 24, Text),
    num_col("GPUs", 2, 4, 5),
    col("URL", 3, 6, 48, Text),
    col("Node group", 4, 6, 24, Text),
    col("Owner", 5, 6, 24, Text),
    col("Age", 2, 8, 8, Relative),
];

pub const JOB_COLUMNS: &[Column] = &[
    col("Name", 0, 8, 32, Text),
    col("State", 0, 7, 14, Text),
    num_col("Workers", 0, 7, 7),
    num_col("Retries", 3, 7, 7),
    col("Duration", 1, 8, 8, Relative),
    col("Shape", 2, 6, 24, Text),
    num_col("GPUs", 3, 4, 5),
    col("Node group", 4, 6, 24, Text),
    col("Owner", 5, 6, 24, Text),
    col("Age", 2, 8, 8, Relative),
];

pub const POD_COLUMNS: &[Column] = &[
    col("Name", 0, 8, 32, Text),
    col("State", 0, 7, 14, Text),
    col("Shape", 1, 6, 24, Text),
    num_col("GPUs", 3, 4, 5),
    col("SSH", 0, 6, 40, Text),
    col("Node group", 4, 6, 24, Text),
    col("Owner", 5, 6, 24, Text),
    col("Age", 2, 8, 8, Relative),
];

pub const NODE_COLUMNS: &[Column] = &[
    col("Group", 0, 8, 32, Text),
    col("State", 0, 7, 16, Text),
    col("Type", 3, 4, 8, Text),
    col("Nodes ok/err/all", 0, 16, 16, Text),
    col("GPU avail/used/all", 0, 18, 18, Text),
    col("GPU type", 2, 6, 20, Text),
    col("CPU used/all", 4, 12, 14, Text),
    col("Memory used/all", 5, 15, 22, Text),
];

fn or_dash(s: Option<&str>) -> Cow<'_, str> {
    match s {
        Some(s) if !s.is_empty() => Cow::Borrowed(s),
        _ => Cow::Borrowed("-"),
    }
}

fn groups(g: &[String]) -> Cow<'_, str> {
    match g {
        [] => Cow::Borrowed("-"),
        [one] => Cow::Owned(one.to_ascii_lowercase()),
        many => Cow::Owned(many.join(",").to_ascii_lowercase()),
    }
}

fn age(now_ms: i64, created: Option<i64>) -> Cow<'static, str> {
    match created {
        Some(t) if t > 0 => Cow::Owned(format::relative(now_ms, t).replace(" ago", "")),
        _ => Cow::Borrowed("-"),
    }
}

fn gpus_cell(per: Option<f64>, replicas: Option<u32>) -> Cow<'static, str> {
    match (per, replicas) {
        (Some(p), Some(n)) => Cow::Owned(format::num(p * f64::from(n))),
        (Some(p), None) => Cow::Owned(format::num(p)),
        _ => Cow::Borrowed("-"),
    }
}

fn opt_ms(v: Option<i64>) -> SortKey {
    v.map(|n| SortKey::Num(n as f64))
        .unwrap_or(SortKey::Missing)
}

fn text_key(s: &str) -> SortKey {
    if s.is_empty() || s == "-" {
        SortKey::Missing
    } else {
        SortKey::Text(format::fold_str(s))
    }
}

/// Sort states by class first (attention on top when ascending), then text.
fn state_key(class: StateClass, text: &str) -> SortKey {
    let rank = match class {
        StateClass::Attention => 0,
        StateClass::Transitional => 1,
        StateClass::Waiting => 2,
        StateClass::Healthy => 3,
        StateClass::Terminal => 4,
    };
    SortKey::Text(format!("{rank}{}", format::fold_str(text)))
}

// ---------------------------------------------------------------- endpoints

/// `ready/desired` (`-` where unknown).
pub fn endpoint_replicas(e: &EndpointView) -> String {
    let r = e.replicas_ready.map_or("-".to_string(), |n| n.to_string());
    let d = e
        .replicas_desired
        .map_or("-".to_string(), |n| n.to_string());
    format!("{r}/{d}")
}

pub fn endpoint_cell<'a>(
    v: &'a [EndpointView],
    shapes: Shapes<'_>,
    i: usize,
    c: usize,
    now_ms: i64,
) -> Cow<'a, str> {
    let e = &v[i];
    match c {
        0 => Cow::Borrowed(e.name.as_str()),
        1 => state_cell(e.state_text(), e.state_class()),
        2 => Cow::Owned(endpoint_replicas(e)),
        3 => or_dash(e.shape.as_deref()),
        4 => gpus_cell(
            gpus_per_replica(shapes, e.shape.as_deref()),
            e.replicas_desired,
        ),
        5 => or_dash(e.url.as_deref()),
        6 => groups(&e.node_groups),
        7 => or_dash(e.owner.as_deref()),
        _ => age(now_ms, e.created_at),
    }
}

pub fn endpoint_tone(v: &[EndpointView], i: usize, c: usize) -> Tone {
    match c {
        1 => class_tone(v[i].state_class()),
        2 if v[i].replicas_ready.is_some() && v[i].replicas_ready < v[i].replicas_desired => {
            Tone::Warn
        }
        5 => Tone::Accent,
        _ => Tone::Normal,
    }
}

pub fn endpoint_sort(v: &[EndpointView], shapes: Shapes<'_>, i: usize, c: usize) -> SortKey {
    let e = &v[i];
    match c {
        1 => state_key(e.state_class(), e.state_text()),
        2 => e
            .replicas_ready
            .map_or(SortKey::Missing, |n| SortKey::Num(f64::from(n))),
        4 => gpus_per_replica(shapes, e.shape.as_deref()).map_or(SortKey::Missing, |p| {
            SortKey::Num(p * f64::from(e.replicas_desired.unwrap_or(1)))
        }),
        8 => opt_ms(e.created_at.map(|t| -t)),
        _ => text_key(&endpoint_cell(v, shapes, i, c, 0)),
    }
}

// ---------------------------------------------------------------- jobs

/// Start and end of a job in Unix ms (the unit of the wire is guessed).
pub fn job_times(j: &Job) -> (Option<i64>, Option<i64>) {
    let s = j.status.as_ref();
    let start = s
        .and_then(|s| s.creation_time)
        .filter(|t| *t > 0)
        .map(epoch_ms)
        .or(j.metadata.created_at);
    let end = s
        .and_then(|s| s.completion_time)
        .filter(|t| *t > 0)
        .map(epoch_ms);
    (start, end)
}

/// How long the job ran (until now while it runs), in seconds.
pub fn job_duration_secs(j: &Job, now_ms: i64) -> Option<u64> {
    let (start, end) = job_times(j);
    let start = start?;
    let end = match (end, j.state()) {
        (Some(e), _) => e,
        (None, Some(s)) if s.is_finished() => return None,
        (None, _) => now_ms,
    };
    Some((end.saturating_sub(start)).max(0).unsigned_abs() / 1000)
}

/// `ready/workers`.
pub fn job_workers(j: &Job) -> String {
    let ready = j.status.as_ref().map_or(0, |s| s.ready);
    format!("{ready}/{}", j.spec.workers())
}

/// `attempts so far/limit` (`-` without a limit or history).
pub fn job_retries(j: &Job) -> String {
    let done = j.status.as_ref().map_or(0, |s| s.job_history.len());
    match j.spec.max_job_failure_retry {
        Some(max) => format!("{done}/{max}"),
        None => done.to_string(),
    }
}

pub fn job_state_text(j: &Job) -> &str {
    j.state().map_or("UNK", |s| s.as_str())
}

pub fn job_cell<'a>(
    v: &'a [Job],
    shapes: Shapes<'_>,
    i: usize,
    c: usize,
    now_ms: i64,
) -> Cow<'a, str> {
    let j = &v[i];
    match c {
        0 => Cow::Borrowed(j.name()),
        1 => state_cell(job_state_text(j), j.state_class()),
        2 => Cow::Owned(job_workers(j)),
        3 => Cow::Owned(job_retries(j)),
        4 => match job_duration_secs(j, now_ms) {
            Some(s) => Cow::Owned(format::coarse_duration(s)),
            None => Cow::Borrowed("-"),
        },
        5 => or_dash(j.spec.resource_shape.as_deref()),
        6 => gpus_cell(
            gpus_per_replica(shapes, j.spec.resource_shape.as_deref()),
            Some(j.spec.workers()),
        ),
        7 => groups(
            j.spec
                .affinity
                .as_ref()
                .map_or(&[][..], |a| &a.allowed_dedicated_node_groups),
        ),
        8 => or_dash(
            j.metadata
                .owner
                .as_deref()
                .or(j.metadata.created_by.as_deref()),
        ),
        _ => age(now_ms, j.metadata.created_at),
    }
}

pub fn job_tone(v: &[Job], i: usize, c: usize) -> Tone {
    let j = &v[i];
    match c {
        1 => class_tone(j.state_class()),
        3 if j.status.as_ref().is_some_and(|s| !s.job_history.is_empty()) => Tone::Warn,
        _ => Tone::Normal,
    }
}

pub fn job_sort(v: &[Job], shapes: Shapes<'_>, i: usize, c: usize) -> SortKey {
    let j = &v[i];
    match c {
        1 => state_key(j.state_class(), job_state_text(j)),
        2 => SortKey::Num(f64::from(j.spec.workers())),
        3 => SortKey::Num(j.status.as_ref().map_or(0, |s| s.job_history.len()) as f64),
        4 => match job_times(j) {
            (Some(s), Some(e)) => SortKey::Num((e - s) as f64),
            (Some(s), None) => SortKey::Num(-(s as f64)),
            _ => SortKey::Missing,
        },
        6 => gpus_per_replica(shapes, j.spec.resource_shape.as_deref())
            .map_or(SortKey::Missing, |p| {
                SortKey::Num(p * f64::from(j.spec.workers()))
            }),
        9 => opt_ms(j.metadata.created_at.map(|t| -t)),
        _ => text_key(&job_cell(v, shapes, i, c, 0)),
    }
}

// ---------------------------------------------------------------- pods

pub fn pod_cell<'a>(
    v: &'a [PodView],
    shapes: Shapes<'_>,
    i: usize,
    c: usize,
    now_ms: i64,
) -> Cow<'a, str> {
    let p = &v[i];
    match c {
        0 => Cow::Borrowed(p.name.as_str()),
        1 => state_cell(p.state_text(), p.state_class()),
        2 => or_dash(p.shape.as_deref()),
        3 => gpus_cell(
            gpus_per_replica(shapes, p.shape.as_deref()),
            Some(u32::from(!p.stopped)),
        ),
        4 => match p.ssh_command() {
            Some(s) => Cow::Owned(s),
            None if p.stopped => Cow::Borrowed("- (stopped)"),
            None => Cow::Borrowed("-"),
        },
        5 => groups(&p.node_groups),
        6 => or_dash(p.owner.as_deref()),
        _ => age(now_ms, p.created_at),
    }
}

pub fn pod_tone(v: &[PodView], i: usize, c: usize) -> Tone {
    match c {
        1 => class_tone(v[i].state_class()),
        4 if v[i].ssh_command().is_some() => Tone::Accent,
        _ => Tone::Normal,
    }
}

pub fn pod_sort(v: &[PodView], shapes: Shapes<'_>, i: usize, c: usize) -> SortKey {
    let p = &v[i];
    match c {
        1 => state_key(p.state_class(), p.state_text()),
        7 => opt_ms(p.created_at.map(|t| -t)),
        _ => text_key(&pod_cell(v, shapes, i, c, 0)),
    }
}

// ---------------------------------------------------------------- node groups

pub fn node_cell(v: &[NodeGroupRow], i: usize, c: usize) -> Cow<'_, str> {
    let g = &v[i];
    match c {
        0 => Cow::Borrowed(g.group.name()),
        1 => state_cell(&g.state_text(), g.state_class()),
        2 => Cow::Borrowed(g.node_type()),
        3 => {
            let (ok, bad, all) = g.node_counts();
            Cow::Owned(format!("{ok}/{bad}/{all}"))
        }
        4 => {
            let (a, u, t) = g.gpu_counts();
            Cow::Owned(format!("{a}/{u}/{t}"))
        }
        5 => or_dash(g.group.spec.gpu_product.as_deref()),
        6 => {
            let (u, t) = g.cpu_counts();
            Cow::Owned(format!("{}/{}", format::num(u), format::num(t)))
        }
        _ => {
            let (u, t) = g.memory_counts();
            Cow::Owned(format!(
                "{}/{}",
                format::mib(u as f64),
                format::mib(t as f64)
            ))
        }
    }
}

pub fn node_tone(v: &[NodeGroupRow], i: usize, c: usize) -> Tone {
    match c {
        1 | 3 => class_tone(v[i].state_class()),
        _ => Tone::Normal,
    }
}

pub fn node_sort(v: &[NodeGroupRow], i: usize, c: usize) -> SortKey {
    let g = &v[i];
    match c {
        1 => state_key(g.state_class(), &g.state_text()),
        3 => SortKey::Num(g.node_counts().2 as f64),
        4 => SortKey::Num(f64::from(g.gpu_counts().0)),
        _ => text_key(&node_cell(v, i, c)),
    }
}

// ---------------------------------------------------------------- details

fn field(name: &str, value: impl Into<String>) -> DetailLine {
    DetailLine::Field(name.to_string(), value.into())
}

fn opt(v: Option<&str>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn opt_time(ms: Option<i64>) -> String {
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

fn log_lines(cmd: Option<&str>) -> Vec<DetailLine> {
    vec![
        DetailLine::Blank,
        DetailLine::Heading("Logs".to_string()),
        match cmd {
            Some(c) => field("Command", format!("{c}   (y copies it)")),
            None => DetailLine::Text("lep has no log command for this workload".to_string()),
        },
    ]
}

fn finish(
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
            opt(j
                .metadata
                .owner
                .as_deref()
                .or(j.metadata.created_by.as_deref())),
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

fn unavailable(e: &ApiError) -> DetailLine {
    if matches!(e, ApiError::NotFound(_)) {
        DetailLine::Text("not available on this workspace".to_string())
    } else {
        DetailLine::Text(format!("could not load: {e}"))
    }
}

fn replica_lines(r: Result<Listed<Replica>, ApiError>) -> Vec<DetailLine> {
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
fn event_lines(r: Result<Listed<Event>, ApiError>) -> Vec<DetailLine> {
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

// ---------------------------------------------------------------- status summary

/// Counts of one workload kind for the Status pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindSummary {
    /// From the list: running (healthy), waiting (transitional or waiting),
    /// failed (needs attention), and all.
    Live {
        running: usize,
        waiting: usize,
        failed: usize,
        total: usize,
    },
    /// The list is not loaded (yet): the `/workspace` count.
    Counted(u64),
    /// 404: this workspace has no such route.
    NotAvailable,
    /// Nothing known.
    Unknown,
}

/// At most this many workloads are named in [`WorkloadSummary::attention`].
pub const MAX_ATTENTION_NAMES: usize = 20;

/// The live summary of the Status pane's workloads line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkloadSummary {
    /// `("endpoints", …)`, `("jobs", …)`, `("pods", …)`.
    pub kinds: Vec<(&'static str, KindSummary)>,
    /// `(healthy, unhealthy, total)` nodes over all groups, when loaded.
    pub nodes: Option<(usize, usize, usize)>,
    /// GPUs held by running workloads (needs the shapes); `None` when no
    /// workload list is loaded.
    pub gpus_in_use: Option<f64>,
    /// Workloads in an attention state: `job train-7 Failed` (the first
    /// [`MAX_ATTENTION_NAMES`]).
    pub attention: Vec<String>,
    /// How many workloads (and node groups) are in an attention state.
    pub attention_total: usize,
    /// Node groups by class (the Nodes view's title), when loaded.
    pub node_groups: Option<KindSummary>,
}

pub fn count<I: Iterator<Item = StateClass>>(classes: I) -> KindSummary {
    let (mut running, mut waiting, mut failed, mut total) = (0, 0, 0, 0);
    for c in classes {
        total += 1;
        match c {
            StateClass::Healthy => running += 1,
            StateClass::Transitional | StateClass::Waiting => waiting += 1,
            StateClass::Attention => failed += 1,
            StateClass::Terminal => {}
        }
    }
    KindSummary::Live {
        running,
        waiting,
        failed,
        total,
    }
}

/// Inputs of [`summarize`]: each list when loaded, its error, the
/// `/workspace` counts and the shapes.
pub struct SummaryInput<'a> {
    pub endpoints: (Option<&'a [EndpointView]>, Option<&'a ApiError>),
    pub jobs: (Option<&'a [Job]>, Option<&'a ApiError>),
    pub pods: (Option<&'a [PodView]>, Option<&'a ApiError>),
    pub nodes: Option<&'a [NodeGroupRow]>,
    /// `(deployments, jobs, pods)` from `/workspace`.
    pub counted: Option<(u64, u64, u64)>,
    pub shapes: Shapes<'a>,
}

fn kind_of(
    loaded: Option<KindSummary>,
    err: Option<&ApiError>,
    counted: Option<u64>,
) -> KindSummary {
    if let Some(s) = loaded {
        return s;
    }
    if err.is_some_and(|e| matches!(e, ApiError::NotFound(_))) {
        return KindSummary::NotAvailable;
    }
    counted.map_or(KindSummary::Unknown, KindSummary::Counted)
}

/// The Status pane's workloads summary.
pub fn summarize(i: &SummaryInput<'_>) -> WorkloadSummary {
    let mut attention = Vec::new();
    let mut attention_total = 0;
    let mut note = |text: &dyn Fn() -> String| {
        attention_total += 1;
        if attention.len() < MAX_ATTENTION_NAMES {
            attention.push(text());
        }
    };
    let mut gpus: Option<f64> = None;
    let mut add_gpus = |per: Option<f64>, n: u32| {
        if let Some(p) = per {
            *gpus.get_or_insert(0.0) += p * f64::from(n);
        }
    };
    let eps = i.endpoints.0.map(|v| {
        for e in v {
            if e.state_class() == StateClass::Attention {
                note(&|| format!("endpoint {} {}", e.name, e.state_text()));
            }
            // The legacy list carries no ready count: a Ready endpoint
            // counts its desired replicas.
            let ready = e
                .replicas_ready
                .or(if e.state_class() == StateClass::Healthy {
                    e.replicas_desired
                } else {
                    None
                });
            if e.state_class() != StateClass::Terminal {
                add_gpus(
                    gpus_per_replica(i.shapes, e.shape.as_deref()),
                    ready.unwrap_or(0),
                );
            }
        }
        count(v.iter().map(EndpointView::state_class))
    });
    let jobs = i.jobs.0.map(|v| {
        for j in v {
            if j.state_class() == StateClass::Attention {
                note(&|| format!("job {} {}", j.name(), job_state_text(j)));
            }
            if j.state_class() == StateClass::Healthy {
                add_gpus(
                    gpus_per_replica(i.shapes, j.spec.resource_shape.as_deref()),
                    j.spec.workers(),
                );
            }
        }
        count(v.iter().map(Job::state_class))
    });
    let pods = i.pods.0.map(|v| {
        for p in v {
            if p.state_class() == StateClass::Attention {
                note(&|| format!("pod {} {}", p.name, p.state_text()));
            }
            if p.state_class() == StateClass::Healthy {
                add_gpus(gpus_per_replica(i.shapes, p.shape.as_deref()), 1);
            }
        }
        count(v.iter().map(PodView::state_class))
    });
    let node_groups = i
        .nodes
        .map(|v| count(v.iter().map(NodeGroupRow::state_class)));
    let nodes = i.nodes.map(|v| {
        for g in v {
            if g.state_class() == StateClass::Attention {
                note(&|| format!("node group {} {}", g.group.name(), g.state_text()));
            }
        }
        v.iter()
            .map(NodeGroupRow::node_counts)
            .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    });
    let (cd, cj, cp) = match i.counted {
        Some((d, j, p)) => (Some(d), Some(j), Some(p)),
        None => (None, None, None),
    };
    WorkloadSummary {
        kinds: vec![
            ("endpoints", kind_of(eps, i.endpoints.1, cd)),
            ("jobs", kind_of(jobs, i.jobs.1, cj)),
            ("pods", kind_of(pods, i.pods.1, cp)),
        ],
        nodes,
        gpus_in_use: gpus,
        attention,
        attention_total,
        node_groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_split_by_class() {
        let s = count(
            [
                StateClass::Healthy,
                StateClass::Waiting,
                StateClass::Transitional,
                StateClass::Attention,
                StateClass::Terminal,
            ]
            .into_iter(),
        );
        assert_eq!(
            s,
            KindSummary::Live {
                running: 1,
                waiting: 2,
                failed: 1,
                total: 5
            }
        );
    }

    #[test]
    fn log_commands_per_kind_and_family() {
        assert_eq!(
            log_command(ResourceKind::Jobs, "j1", RouteFamily::New).as_deref(),
            Some("lep log get -j j1")
        );
        assert_eq!(
            log_command(ResourceKind::Endpoints, "e", RouteFamily::New).as_deref(),
            Some("lep log get -e e")
        );
        assert_eq!(log_command(ResourceKind::Pods, "p", RouteFamily::New), None);
        assert_eq!(
            log_command(ResourceKind::Nodes, "n", RouteFamily::Legacy),
            None
        );
    }

    #[test]
    fn attention_states_read_without_colour() {
        assert_eq!(state_cell("Failed", StateClass::Attention), "! Failed");
        assert_eq!(state_cell("Running", StateClass::Healthy), "Running");
    }
}
