//! The Workloads pane's data and views: endpoints, jobs, pods and node
//! groups as rows (columns, cells, tones, sort keys), their details, and the
//! live summary the Status pane shows. Pure: everything is computed from the
//! model's last good data and the model's clock.

mod detail;
mod summary;

pub use detail::*;
pub use summary::*;

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

use super::view::{col, num_col};
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
        8 => or_dash(j.metadata.owner.as_deref().or(j.metadata.created_by())),
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
