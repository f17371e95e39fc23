//! Dedicated node group and node wire types.

use super::*;

/// `spec` of a dedicated node group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeGroupSpec {
    /// `lepton-node` (Lepton-managed) or `customer-node` (BYOC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_nodes: Option<u32>,
}

/// `status` of a dedicated node group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeGroupStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_nodes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_enabled: Option<bool>,
}

/// An item of `GET /dedicated-node-groups` (`spec` and `status` always sent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeGroup {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Metadata,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: NodeGroupSpec,
    #[serde(default, deserialize_with = "null_default")]
    pub status: NodeGroupStatus,
}

impl NodeGroup {
    pub fn id(&self) -> &str {
        self.metadata
            .id
            .as_deref()
            .or(self.metadata.name.as_deref())
            .unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.metadata
            .name
            .as_deref()
            .or(self.metadata.id.as_deref())
            .unwrap_or_default()
    }
}

/// GPU of a node: count allocated of total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GpuResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default)]
    pub allocated: u32,
    #[serde(default)]
    pub total: u32,
}

/// CPU of a node: cores allocated of total.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuResource {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, serialize_with = "crate::api::types::serialize_whole")]
    pub allocated: f64,
    #[serde(default, serialize_with = "crate::api::types::serialize_whole")]
    pub total: f64,
}

/// Memory of a node, MiB.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryResource {
    #[serde(default)]
    pub allocated: u64,
    #[serde(default)]
    pub total: u64,
}

/// Disk of a node, bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiskResource {
    #[serde(default)]
    pub used_bytes: u64,
    #[serde(default)]
    pub total_bytes: u64,
}

/// `spec.resource` of a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<GpuResource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuResource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryResource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<DiskResource>,
}

/// `spec` of a node (`unschedulable` always sent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeSpec {
    #[serde(default, deserialize_with = "null_default")]
    pub unschedulable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<NodeResource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// A workload placed on a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeWorkload {
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub replica_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub workspace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_count: Option<u32>,
}

/// `status` of a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// `Ready`, `Healthy`, `Unhealthy`, `Draining`, … (kept as sent).
    #[serde(default, deserialize_with = "null_default")]
    pub status: Vec<String>,
    /// `production`, `repairing`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_stage: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub workloads: Vec<NodeWorkload>,
}

/// An item of `GET /dedicated-node-groups/<id>/nodes`. `status` is always
/// sent (`null` when unknown): `lep` requires the key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Node {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Metadata,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: NodeSpec,
    #[serde(default)]
    pub status: Option<NodeStatus>,
}

impl Node {
    fn has_status(&self, word: &str) -> bool {
        self.status
            .as_ref()
            .is_some_and(|s| s.status.iter().any(|x| x.eq_ignore_ascii_case(word)))
    }

    /// As `lep`: `Ready` among the statuses, not `Unhealthy`, schedulable.
    pub fn is_usable(&self) -> bool {
        self.has_status("Ready") && !self.has_status("Unhealthy") && !self.spec.unschedulable
    }

    /// Reported `Unhealthy` (or `Failed`).
    pub fn is_unhealthy(&self) -> bool {
        self.has_status("Unhealthy") || self.has_status("Failed")
    }

    /// Colour class of a node: usable → healthy, unhealthy → attention,
    /// anything else (draining, booting, cordoned) → transitional.
    pub fn state_class(&self) -> StateClass {
        if self.is_unhealthy() {
            StateClass::Attention
        } else if self.is_usable() {
            StateClass::Healthy
        } else {
            StateClass::Transitional
        }
    }
}
