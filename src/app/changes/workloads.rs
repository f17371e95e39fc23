//! Workload kinds in the change engine: endpoints, jobs, dev pods and node
//! groups.
//!
//! Each kind has its `impl Tracked` (key, label and the fields that matter:
//! state, replicas, attempts, capacity — not counters that move all the
//! time, such as a job's active workers or a node's allocated GPUs). The
//! generic [`diff_items`] finds added / removed / changed items;
//! [`classify`] then names a change by what it means:
//!
//! | kind | when |
//! |---|---|
//! | `failed` | the state entered one that needs a look (endpoint `Ready` → `Not Ready`, job → `Failed` / `PendingRetry`, pod → `Error`) |
//! | `restarted` | the state became `Restarting`; a job started another attempt; a pod was recreated |
//! | `state_changed` | any other state transition (job `Running` → `Completed`, endpoint `Not Ready` → `Ready`) |
//! | `replicas_changed` | an endpoint's desired or ready replicas |
//! | `capacity_changed` | a node group's nodes, ready nodes, GPUs or desired nodes |
//!
//! [`Row`] is the serializable form of any tracked item (key, label,
//! fields): the snapshot keeps workload lists as rows, and a node group's
//! answer (`NodeGroupNodes`) and the model's row (`NodeGroupRow`) meet as
//! rows.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Ctx, Event, EventKind, FieldChange, Tracked, diff_items};
use crate::api::workloads::{
    EndpointState, EndpointView, Job, JobState, Node, NodeGroup, NodeGroupNodes, PodView,
    StateClass,
};
use crate::app::workloads::NodeGroupRow;
use crate::protocol::ResourceKind;

/// Every field name a workload row may carry (a row read from a file keeps
/// only these).
pub const WORKLOAD_FIELDS: &[&str] = &[
    "state",
    "replicas",
    "ready",
    "min_replicas",
    "max_replicas",
    "image",
    "shape",
    "stopped",
    "public_ip",
    "created",
    "workers",
    "failed",
    "attempts",
    "nodes",
    "ready_nodes",
    "unhealthy_nodes",
    "gpus",
    "desired_nodes",
    "error",
];

/// Fields whose change is a change of capacity.
const CAPACITY_FIELDS: &[&str] = &["nodes", "ready_nodes", "gpus", "desired_nodes"];
/// Fields whose change is a change of replicas.
const REPLICA_FIELDS: &[&str] = &["replicas", "ready"];

fn opt_num(v: Option<u32>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl Tracked for EndpointView {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn label(&self) -> String {
        super::name_or_id(&self.name, &self.id)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("state", self.state_text().to_string()),
            ("replicas", opt_num(self.replicas_desired)),
            ("ready", opt_num(self.replicas_ready)),
            ("min_replicas", opt_num(self.min_replicas)),
            ("max_replicas", opt_num(self.max_replicas)),
            ("image", opt(&self.image)),
            ("shape", opt(&self.shape)),
        ]
    }
}

impl Tracked for PodView {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn label(&self) -> String {
        super::name_or_id(&self.name, &self.id)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("state", self.state_text().to_string()),
            (
                "stopped",
                if self.stopped { "yes" } else { "no" }.to_string(),
            ),
            ("image", opt(&self.image)),
            ("shape", opt(&self.shape)),
            ("public_ip", opt(&self.public_ip)),
            ("created", opt_num_i64(self.created_at)),
        ]
    }
}

fn opt_num_i64(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

impl Tracked for Job {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.id())
    }
    fn label(&self) -> String {
        self.name().to_string()
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        let status = self.status.as_ref();
        vec![
            (
                "state",
                self.state().map_or("UNK", JobState::as_str).to_string(),
            ),
            ("workers", self.spec.workers().to_string()),
            ("failed", status.map(|s| s.failed).unwrap_or(0).to_string()),
            (
                "attempts",
                status
                    .map(|s| s.job_history.len() + 1)
                    .unwrap_or(1)
                    .to_string(),
            ),
            ("shape", opt(&self.spec.resource_shape)),
        ]
    }
}

/// The fields of a node group and its nodes (`error`: its nodes could not
/// be read; the counts are then unknown, not zero).
fn group_fields(
    group: &NodeGroup,
    nodes: &[Node],
    error: Option<String>,
) -> Vec<(&'static str, String)> {
    let gpus: u32 = nodes
        .iter()
        .filter_map(|n| n.spec.resource.as_ref().and_then(|r| r.gpu.as_ref()))
        .map(|g| g.total)
        .sum();
    let known = error.is_none();
    let count = |n: usize| if known { n.to_string() } else { String::new() };
    vec![
        ("nodes", count(nodes.len())),
        (
            "ready_nodes",
            count(nodes.iter().filter(|n| n.is_usable()).count()),
        ),
        (
            "unhealthy_nodes",
            count(nodes.iter().filter(|n| n.is_unhealthy()).count()),
        ),
        (
            "gpus",
            if known {
                gpus.to_string()
            } else {
                String::new()
            },
        ),
        ("desired_nodes", opt_num(group.spec.desired_nodes)),
        ("error", error.unwrap_or_default()),
    ]
}

fn group_label(group: &NodeGroup) -> String {
    group.name().to_string()
}

impl Tracked for NodeGroupRow {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.group.id())
    }
    fn label(&self) -> String {
        group_label(&self.group)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        group_fields(&self.group, &self.nodes, self.error.clone())
    }
}

impl Tracked for NodeGroupNodes {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.group.id())
    }
    fn label(&self) -> String {
        group_label(&self.group)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        match &self.nodes {
            Ok(l) => group_fields(&self.group, &l.items, None),
            Err(e) => group_fields(&self.group, &[], Some(e.to_string())),
        }
    }
}

/// Any tracked item as plain data: what the snapshot keeps of a workload
/// list. Field names outside [`WORKLOAD_FIELDS`] are dropped on read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    #[serde(default, deserialize_with = "known_fields")]
    pub fields: Vec<(Cow<'static, str>, String)>,
}

fn known_fields<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<(Cow<'static, str>, String)>, D::Error> {
    let raw = Vec::<(String, String)>::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|(name, value)| {
            WORKLOAD_FIELDS
                .iter()
                .find(|f| **f == name)
                .map(|f| (Cow::Borrowed(*f), value))
        })
        .collect())
}

impl Row {
    /// The row of a tracked item.
    pub fn of<T: Tracked + ?Sized>(item: &T) -> Row {
        Row {
            key: item.key().into_owned(),
            label: item.label(),
            fields: item
                .fields()
                .into_iter()
                .map(|(n, v)| (Cow::Borrowed(n), v))
                .collect(),
        }
    }

    /// The rows of a list.
    pub fn all<T: Tracked>(items: &[T]) -> Vec<Row> {
        items.iter().map(Row::of).collect()
    }
}

impl Tracked for Row {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.key)
    }
    fn label(&self) -> String {
        self.label.clone()
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        self.fields
            .iter()
            .filter_map(|(n, v)| {
                // Only names from WORKLOAD_FIELDS get here (`Row::of` takes
                // static names; `known_fields` keeps only listed ones).
                let name = match n {
                    Cow::Borrowed(s) => Some(*s),
                    Cow::Owned(s) => WORKLOAD_FIELDS.iter().copied().find(|f| f == s),
                };
                name.map(|n| (n, v.clone()))
            })
            .collect()
    }
}

/// The state class of a state text of a workload kind (`UNK` and unknown
/// values need attention, as in the panes).
fn state_class(resource: ResourceKind, text: &str) -> StateClass {
    match resource {
        ResourceKind::Jobs => JobState::parse(text).class(),
        ResourceKind::Pods => EndpointState::parse(text).pod_class(),
        _ => EndpointState::parse(text).class(),
    }
}

/// What a change of these fields of a workload item means (see the module
/// documentation); `Changed` when nothing more specific applies.
pub fn classify(resource: ResourceKind, changes: &[FieldChange]) -> EventKind {
    let field = |name: &str| changes.iter().find(|c| c.field == name);
    if let Some(c) = field("state") {
        let (was, is) = (state_class(resource, &c.old), state_class(resource, &c.new));
        if is == StateClass::Attention && was != StateClass::Attention {
            return EventKind::Failed;
        }
        if c.new.eq_ignore_ascii_case("restarting") {
            return EventKind::Restarted;
        }
    }
    let more = |name: &str| {
        field(name).is_some_and(|c| match (c.old.parse::<u64>(), c.new.parse::<u64>()) {
            (Ok(a), Ok(b)) => b > a,
            _ => false,
        })
    };
    if resource == ResourceKind::Jobs && more("attempts") {
        return EventKind::Restarted;
    }
    if resource == ResourceKind::Pods && field("created").is_some_and(|c| !c.old.is_empty()) {
        return EventKind::Restarted;
    }
    if field("state").is_some() {
        return EventKind::StateChanged;
    }
    if resource == ResourceKind::Nodes
        && changes
            .iter()
            .any(|c| CAPACITY_FIELDS.contains(&c.field.as_str()))
    {
        return EventKind::CapacityChanged;
    }
    if resource == ResourceKind::Endpoints
        && changes
            .iter()
            .any(|c| REPLICA_FIELDS.contains(&c.field.as_str()))
    {
        return EventKind::ReplicasChanged;
    }
    EventKind::Changed
}

/// [`diff_items`] for a workload kind, changes named by [`classify`].
pub fn diff_workload<T: Tracked + PartialEq>(
    ctx: &Ctx<'_>,
    resource: ResourceKind,
    old: &[T],
    new: &[T],
) -> Vec<Event> {
    let mut events = diff_items(ctx, resource, old, new);
    for e in &mut events {
        if e.kind == EventKind::Changed {
            e.kind = classify(resource, &e.fields);
        }
    }
    events
}

/// Whether a numeric field of the event went down (fewer ready replicas,
/// fewer usable nodes or GPUs).
pub fn went_down(e: &Event) -> bool {
    e.fields.iter().any(|f| {
        f.field != "unhealthy_nodes"
            && matches!(
                (f.old.parse::<u64>(), f.new.parse::<u64>()),
                (Ok(a), Ok(b)) if b < a
            )
    }) || e.fields.iter().any(|f| {
        f.field == "unhealthy_nodes"
            && matches!(
                (f.old.parse::<u64>().unwrap_or(0), f.new.parse::<u64>()),
                (a, Ok(b)) if b > a
            )
    })
}
