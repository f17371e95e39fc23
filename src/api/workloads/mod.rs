//! Workloads: endpoints, dev pods, jobs, node groups with their nodes,
//! replicas and events.
//!
//! Wire types follow the same tolerance rules as [`super::types`]: unknown
//! fields are ignored, everything the service might omit has a default, an
//! explicit `null` reads like an absent value, and states the code does not
//! know are kept verbatim as `Unknown(String)` (shown as sent). A list item
//! that does not decode is skipped and counted ([`Listed`]).
//!
//! Two route families carry endpoints and pods; the workspace says which one
//! in `GET /workspace` → `features.enable_new_deployment_api`, and
//! [`RouteFamily::from_features`] decides exactly as `lep` 0.47.1 does:
//!
//! | family | endpoints | pods |
//! |---|---|---|
//! | [`RouteFamily::Legacy`] | `GET /deployments` ([`Deployment`], `spec.is_pod` false) | the same list, `spec.is_pod` true |
//! | [`RouteFamily::New`] | `GET /endpoints` ([`HttpEndpoint`]) | `GET /devpods` ([`DevPod`]) |
//!
//! [`EndpointView`] and [`PodView`] are one shape for both families; the
//! client's `Client::workloads` returns them. [`StateClass`] is the colour
//! class of every endpoint, pod and job state (§10 of the facts).
//!
//! The client methods live in [`client`] (one per route).

pub mod client;
mod jobs;
mod nodes;
mod view;

pub use jobs::*;
pub use nodes::*;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use client::{
    JOB_PAGE_SIZE, JobList, JobsPage, MAX_JOB_PAGES, MAX_JOBS, MAX_POD_IP_LOOKUPS,
    MAX_READINESS_LOOKUPS, NodeGroupNodes, WorkloadSet, decode_jobs_page, not_available,
};
pub use view::{EndpointView, JUPYTER_PORT, PodView, PortMapping, SSH_PORT, TCP_PORT};

use super::types::{Metadata, Visibility};

/// A field that may be absent **or** `null`: both read as the default.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---------------------------------------------------------------- states

/// How a state should look: the UI colours by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateClass {
    /// Serving or running as intended (green): `Ready`, `Running`.
    Healthy,
    /// On its way somewhere (yellow): starting, scaling, updating, stopping, deleting.
    Transitional,
    /// Waiting for capacity or a start time (yellow/dim): `Queueing`, `Awaiting`.
    Waiting,
    /// Needs a look (red): `Error`, `Not Ready`, `Failed`, `PendingRetry`, and
    /// any state this version does not know.
    Attention,
    /// Finished or idle; nothing more will happen by itself (grey):
    /// `Stopped`, `Completed`, `Deleted`, `Archived`.
    Terminal,
}

impl StateClass {
    /// Lower-case name, for logs and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            StateClass::Healthy => "healthy",
            StateClass::Transitional => "transitional",
            StateClass::Waiting => "waiting",
            StateClass::Attention => "attention",
            StateClass::Terminal => "terminal",
        }
    }
}

/// Declares a state enum: known wire spellings (with aliases), unknown values
/// kept verbatim, any JSON scalar accepted.
macro_rules! state_enum {
    ($(#[$meta:meta])* $name:ident {
        $($variant:ident => $text:literal $(| $alias:literal)*),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)+
            /// A value this version of lepdash does not know; kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The (legacy) wire spelling, or the value as sent.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(other) => other,
                }
            }

            /// Parse a wire spelling (aliases included); anything else is `Unknown`.
            pub fn parse(text: &str) -> Self {
                match text {
                    $($text $(| $alias)* => $name::$variant,)+
                    other => $name::Unknown(other.to_string()),
                }
            }

            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(match serde_json::Value::deserialize(d)? {
                    serde_json::Value::String(s) => $name::parse(&s),
                    other => $name::Unknown(other.to_string()),
                })
            }
        }
    };
}

state_enum!(
    /// State of an endpoint or pod (`LeptonDeploymentState`), in both route
    /// families: the legacy `Not Ready` and the new `NotReady` are one value.
    EndpointState {
        Ready => "Ready",
        NotReady => "Not Ready" | "NotReady",
        Starting => "Starting",
        Updating => "Updating",
        Scaling => "Scaling",
        Migrating => "Migrating",
        Restarting => "Restarting",
        Stopping => "Stopping",
        Stopped => "Stopped",
        Deleting => "Deleting",
        Error => "Error",
    }
);

impl EndpointState {
    /// The spelling of the new route family (`NotReady` without a space).
    pub fn as_new_wire(&self) -> &str {
        match self {
            EndpointState::NotReady => "NotReady",
            other => other.as_str(),
        }
    }

    /// Colour class of an endpoint state (§10.1). `UNK`, empty and unknown
    /// values need attention.
    pub fn class(&self) -> StateClass {
        match self {
            EndpointState::Ready => StateClass::Healthy,
            EndpointState::Starting
            | EndpointState::Updating
            | EndpointState::Scaling
            | EndpointState::Migrating
            | EndpointState::Restarting
            | EndpointState::Stopping
            | EndpointState::Deleting => StateClass::Transitional,
            EndpointState::Stopped => StateClass::Terminal,
            EndpointState::NotReady | EndpointState::Error | EndpointState::Unknown(_) => {
                StateClass::Attention
            }
        }
    }

    /// Colour class of a pod state: as [`Self::class`], except that
    /// `Running` (seen for new-API dev pods) is healthy.
    pub fn pod_class(&self) -> StateClass {
        match self {
            EndpointState::Unknown(s) if s.eq_ignore_ascii_case("running") => StateClass::Healthy,
            other => other.class(),
        }
    }
}

state_enum!(
    /// State of a job (`LeptonJobState`).
    JobState {
        Queueing => "Queueing",
        Awaiting => "Awaiting",
        Starting => "Starting",
        Running => "Running",
        Restarting => "Restarting",
        PendingRetry => "PendingRetry",
        Stopping => "Stopping",
        Stopped => "Stopped",
        Completed => "Completed",
        Failed => "Failed",
        Deleting => "Deleting",
        Terminating => "Terminating",
        Deleted => "Deleted",
        Archived => "Archived",
    }
);

impl JobState {
    /// Colour class of a job state (§10.2). `Failed` and `PendingRetry` need
    /// attention; `UNK` and unknown values too.
    pub fn class(&self) -> StateClass {
        match self {
            JobState::Running => StateClass::Healthy,
            JobState::Queueing | JobState::Awaiting => StateClass::Waiting,
            JobState::Starting
            | JobState::Restarting
            | JobState::Stopping
            | JobState::Deleting
            | JobState::Terminating => StateClass::Transitional,
            JobState::Stopped | JobState::Completed | JobState::Deleted | JobState::Archived => {
                StateClass::Terminal
            }
            JobState::PendingRetry | JobState::Failed | JobState::Unknown(_) => {
                StateClass::Attention
            }
        }
    }

    /// True once nothing more will happen to the job by itself (the set
    /// `lep job stop` treats as nothing to do, minus the transitional ones).
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            JobState::Stopped
                | JobState::Completed
                | JobState::Failed
                | JobState::Deleted
                | JobState::Archived
        )
    }
}

/// Which routes carry endpoints and pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteFamily {
    /// `/deployments` for both (pods have `spec.is_pod`).
    Legacy,
    /// `/endpoints` and `/devpods`.
    New,
}

impl RouteFamily {
    /// As `lep` 0.47.1: only `features.enable_new_deployment_api == true`
    /// selects the new routes; absent features (or a failed `/workspace`)
    /// mean legacy.
    pub fn from_features(features: Option<&super::types::Features>) -> Self {
        match features {
            Some(f) if f.enable_new_deployment_api => RouteFamily::New,
            _ => RouteFamily::Legacy,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RouteFamily::Legacy => "legacy (deployments)",
            RouteFamily::New => "new (endpoints, devpods)",
        }
    }
}

// ---------------------------------------------------------------- shared parts

/// `spec.container` (and the job's container).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub command: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ports: Vec<Port>,
}

/// A container port.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Port {
    #[serde(default)]
    pub container_port: u32,
    /// `tcp`, `udp`, `sctp` (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<u32>,
    /// `HostPortMapping`, `IngressProxy`.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub expose_strategies: Vec<String>,
}

/// Placement: node group **ids**.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Affinity {
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_dedicated_node_groups: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_nodes_in_node_group: Vec<String>,
}

/// Queue and priority.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueConfig {
    /// `low-1000` … `high-9000` (`mid-4000` is the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_be_preempted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_preempt: Option<bool>,
}

/// `status.autoscaler_status` (legacy) / `status.auto_scaler_status` (new).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AutoscalerStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_replicas: Option<u32>,
}

// ---------------------------------------------------------------- legacy /deployments

/// `spec.resource_requirement` of a legacy deployment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceRequirement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    /// Never sent without `min_replicas` ≤ it (`lep` drops such an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
}

/// `spec` of a legacy deployment (endpoint or pod).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeploymentSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Container>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_requirement: Option<ResourceRequirement>,
    /// True: a dev pod, not an endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_pod: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_config: Option<QueueConfig>,
}

/// `status.endpoint`: both keys are always sent, as strings (`lep` requires it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeploymentEndpoint {
    #[serde(default, deserialize_with = "null_default")]
    pub internal_endpoint: String,
    #[serde(default, deserialize_with = "null_default")]
    pub external_endpoint: String,
}

/// One entry of `status.container_port_status` (pod port mappings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerPortStatus {
    #[serde(default)]
    pub container_port: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `status` of a legacy deployment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeploymentStatus {
    /// What `lep endpoint list` shows; Stopping/Stopped read `Not Ready` here.
    /// Always sent (`null` when unknown): `lep` requires the key.
    #[serde(default)]
    pub state: Option<EndpointState>,
    /// The real lifecycle state, when the server sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<EndpointState>,
    #[serde(default, deserialize_with = "null_default")]
    pub endpoint: DeploymentEndpoint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaler_status: Option<AutoscalerStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<u32>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub container_port_status: Vec<ContainerPortStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

/// An item of `GET /deployments` (legacy endpoints and pods).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Metadata,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: DeploymentSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeploymentStatus>,
}

impl Deployment {
    /// A dev pod rather than an endpoint.
    pub fn is_pod(&self) -> bool {
        self.spec.is_pod == Some(true)
    }

    /// `phase` when present (the real lifecycle), else `state`; `None` when
    /// the server sent neither.
    pub fn effective_state(&self) -> Option<&EndpointState> {
        let st = self.status.as_ref()?;
        st.phase.as_ref().or(st.state.as_ref())
    }
}

/// One readiness issue of `GET /deployments/<name>/readiness` (replica id → issues).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadinessIssue {
    /// `Ready`, `InProgress`, `NoCapacity`, `ConfigError`, … (kept as sent).
    #[serde(default, deserialize_with = "null_default")]
    pub reason: String,
    #[serde(default, deserialize_with = "null_default")]
    pub message: String,
    #[serde(
        default,
        rename = "creationTimestamp",
        deserialize_with = "null_default"
    )]
    pub creation_timestamp: String,
}

/// `GET /deployments/<name>/readiness`.
pub type Readiness = BTreeMap<String, Vec<ReadinessIssue>>;

/// Replicas whose first readiness entry has reason `Ready` (what `lep
/// endpoint status` prints as "N out of M replicas ready").
pub fn ready_count(r: &Readiness) -> u32 {
    let n = r
        .values()
        .filter(|issues| issues.first().is_some_and(|i| i.reason == "Ready"))
        .count();
    // The map is bounded by the response size cap; saturate all the same.
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One termination of `GET /deployments/<name>/termination` (replica id → list).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Termination {
    /// Unix seconds.
    #[serde(default)]
    pub started_at: i64,
    /// Unix seconds.
    #[serde(default)]
    pub finished_at: i64,
    #[serde(default)]
    pub exit_code: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub reason: String,
    #[serde(default, deserialize_with = "null_default")]
    pub message: String,
}

/// `GET /deployments/<name>/termination`.
pub type Terminations = BTreeMap<String, Vec<Termination>>;

// ---------------------------------------------------------------- new /endpoints, /devpods

/// `metadata.lepton_metadata` of a new-API endpoint (the owner lives here).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LeptonMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
}

/// `metadata` of a new-API endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semantic_version: Option<String>,
    /// Any truthy value: the endpoint is being deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lepton_metadata: Option<LeptonMetadata>,
}

/// One component of a new-API endpoint (`frontend: true` is the one shown).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointComponent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontend: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub command: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ports: Vec<Port>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_config: Option<QueueConfig>,
}

/// `spec` of a new-API endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointSpec {
    #[serde(default, deserialize_with = "null_default")]
    pub components: Vec<EndpointComponent>,
}

fn serialize_new_state<S: Serializer>(v: &Option<EndpointState>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(st) => s.serialize_str(st.as_new_wire()),
        None => s.serialize_none(),
    }
}

/// `status` of a new-API endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointStatus {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_new_state"
    )]
    pub state: Option<EndpointState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    /// Omitted by the server when 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaler_status: Option<AutoscalerStatus>,
}

/// An item of `GET /endpoints` (new route family).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HttpEndpoint {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: EndpointMetadata,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: EndpointSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EndpointStatus>,
}

impl HttpEndpoint {
    /// The component with `frontend: true`, else the first.
    pub fn frontend(&self) -> Option<&EndpointComponent> {
        self.spec
            .components
            .iter()
            .find(|c| c.frontend == Some(true))
            .or_else(|| self.spec.components.first())
    }
}

/// `spec` of a new-API dev pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DevPodSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Container>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_shape: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_config: Option<QueueConfig>,
}

/// One entry of a dev pod's `status.port_statuses`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DevPodPortStatus {
    #[serde(default)]
    pub container_port: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
}

/// `status` of a new-API dev pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DevPodStatus {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_new_state"
    )]
    pub state: Option<EndpointState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub port_statuses: Vec<DevPodPortStatus>,
}

/// An item of `GET /devpods` (new route family). The owner is flat on `metadata`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DevPod {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Metadata,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: DevPodSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DevPodStatus>,
}

// ---------------------------------------------------------------- replicas, events

/// `status.node` of a replica.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplicaNode {
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
}

/// `status` of a replica.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplicaStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<ReplicaNode>,
}

/// An item of `…/replicas`. The SDK models no replica state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Replica {
    /// Duplicate of `metadata.id` (required by `lep`).
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Metadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ReplicaStatus>,
}

impl Replica {
    /// `metadata.id`, else `id`.
    pub fn replica_id(&self) -> &str {
        self.metadata.id.as_deref().unwrap_or(&self.id)
    }
}

/// An item of `…/events` (a Kubernetes-style event).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `Normal` or `Warning` (kept as sent).
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_default")]
    pub reason: String,
    #[serde(default)]
    pub count: u64,
    /// RFC 3339 text or an epoch number, as sent.
    #[serde(default)]
    pub last_observed_time: Option<serde_json::Value>,
    /// The object the event is about (free-form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regarding: Option<serde_json::Value>,
    /// Not modelled by the SDK; sent by the emulator, shown when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Event {
    pub fn is_warning(&self) -> bool {
        self.kind.eq_ignore_ascii_case("warning")
    }
}

#[cfg(test)]
mod tests;
