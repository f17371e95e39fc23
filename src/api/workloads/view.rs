//! One shape of an endpoint and of a pod, whichever route family sent it
//! (the columns a read-only pane shows, as the official CLI reads them).

use super::{Deployment, DevPod, EndpointState, HttpEndpoint, RouteFamily, StateClass};

/// An endpoint as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointView {
    pub family: RouteFamily,
    /// Used in paths (`/deployments/<id>`, `/endpoints/<id>`).
    pub id: String,
    pub name: String,
    pub owner: Option<String>,
    /// Unix ms.
    pub created_at: Option<i64>,
    /// `None`: the server sent no state (shown as `UNK`).
    pub state: Option<EndpointState>,
    pub shape: Option<String>,
    /// Node group ids.
    pub node_groups: Vec<String>,
    pub image: Option<String>,
    /// Desired replicas, as `lep endpoint list`: autoscaler's desired count,
    /// else `min_replicas`, else the ready count.
    pub replicas_desired: Option<u32>,
    /// Ready replicas (new family only; the legacy list does not carry it).
    pub replicas_ready: Option<u32>,
    pub min_replicas: Option<u32>,
    pub max_replicas: Option<u32>,
    /// Public URL.
    pub url: Option<String>,
    pub priority_class: Option<String>,
}

impl EndpointView {
    /// The state as text (`UNK` when none was sent; unknown values as sent).
    pub fn state_text(&self) -> &str {
        self.state.as_ref().map_or("UNK", EndpointState::as_str)
    }

    pub fn state_class(&self) -> StateClass {
        self.state
            .as_ref()
            .map_or(StateClass::Attention, EndpointState::class)
    }

    /// From a legacy `/deployments` item (endpoints and pods alike).
    pub fn from_deployment(d: &Deployment) -> Self {
        let rr = d.spec.resource_requirement.as_ref();
        let status = d.status.as_ref();
        let min = rr.and_then(|r| r.min_replicas);
        let ready = status.and_then(|s| s.ready_replicas);
        let desired = status
            .and_then(|s| s.autoscaler_status.as_ref())
            .and_then(|a| a.desired_replicas)
            .or(min)
            .or(ready);
        EndpointView {
            family: RouteFamily::Legacy,
            id: d
                .metadata
                .id
                .clone()
                .or_else(|| d.metadata.name.clone())
                .unwrap_or_default()
                .to_string(),
            name: d
                .metadata
                .name
                .clone()
                .or_else(|| d.metadata.id.clone())
                .unwrap_or_default()
                .to_string(),
            owner: d.metadata.owner.as_deref().map(str::to_string),
            created_at: d.metadata.created_at,
            state: d.effective_state().cloned(),
            shape: rr.and_then(|r| r.resource_shape.clone()),
            node_groups: rr
                .and_then(|r| r.affinity.as_ref())
                .map(|a| a.allowed_dedicated_node_groups.clone())
                .unwrap_or_default(),
            image: d.spec.container.as_ref().and_then(|c| c.image.clone()),
            replicas_desired: desired,
            replicas_ready: ready,
            min_replicas: min,
            max_replicas: rr.and_then(|r| r.max_replicas),
            url: status
                .map(|s| s.endpoint.external_endpoint.clone())
                .filter(|u| !u.is_empty()),
            priority_class: d
                .spec
                .queue_config
                .as_ref()
                .and_then(|q| q.priority_class.clone()),
        }
    }

    /// From a new-family `/endpoints` item: the frontend component is shown;
    /// `metadata.deleted_at` means `Deleting`.
    pub fn from_http_endpoint(e: &HttpEndpoint) -> Self {
        let fe = e.frontend();
        let status = e.status.as_ref();
        let min = fe.and_then(|c| c.min_replicas);
        let ready = status.and_then(|s| s.ready_replicas);
        let desired = status
            .and_then(|s| s.auto_scaler_status.as_ref())
            .and_then(|a| a.desired_replicas)
            .or(min)
            .or(ready);
        let deleting = e
            .metadata
            .deleted_at
            .as_ref()
            .is_some_and(|v| !v.is_null() && v != &serde_json::json!(0) && v != "");
        let name = e
            .metadata
            .name
            .clone()
            .or_else(|| e.metadata.id.clone())
            .unwrap_or_default();
        let lm = e.metadata.lepton_metadata.as_ref();
        EndpointView {
            family: RouteFamily::New,
            id: name.clone(),
            name,
            owner: lm.and_then(|m| m.owner.clone().or_else(|| m.created_by.clone())),
            created_at: e.metadata.created_at,
            state: if deleting {
                Some(EndpointState::Deleting)
            } else {
                status.and_then(|s| s.state.clone())
            },
            shape: fe.and_then(|c| c.resource_shape.clone()),
            node_groups: fe
                .and_then(|c| c.affinity.as_ref())
                .map(|a| a.allowed_dedicated_node_groups.clone())
                .unwrap_or_default(),
            image: fe.and_then(|c| c.image.clone()),
            replicas_desired: desired,
            replicas_ready: Some(ready.unwrap_or(0)),
            min_replicas: min,
            max_replicas: fe.and_then(|c| c.max_replicas),
            url: status.and_then(|s| s.external_url.clone()),
            priority_class: fe
                .and_then(|c| c.queue_config.as_ref())
                .and_then(|q| q.priority_class.clone()),
        }
    }
}

/// One port mapping of a pod: container port → host port (on `public_ip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMapping {
    pub container_port: u32,
    pub host_port: u32,
}

/// Well-known pod ports (`lep pod list -d`).
pub const SSH_PORT: u32 = 2222;
pub const TCP_PORT: u32 = 18888;
pub const JUPYTER_PORT: u32 = 18889;

/// A dev pod as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodView {
    pub family: RouteFamily,
    pub id: String,
    pub name: String,
    pub owner: Option<String>,
    /// Unix ms.
    pub created_at: Option<i64>,
    pub state: Option<EndpointState>,
    pub shape: Option<String>,
    pub node_groups: Vec<String>,
    pub image: Option<String>,
    /// Stopped by its owner (`spec.stopped`, or zero replicas on legacy).
    pub stopped: bool,
    /// Sent by the new family; a legacy pod's IP is on its replica
    /// (`Client::fill_pod_addresses` fills it in).
    pub public_ip: Option<String>,
    /// Only mappings with a host port.
    pub ports: Vec<PortMapping>,
}

impl PodView {
    pub fn state_text(&self) -> &str {
        self.state.as_ref().map_or("UNK", EndpointState::as_str)
    }

    pub fn state_class(&self) -> StateClass {
        self.state
            .as_ref()
            .map_or(StateClass::Attention, EndpointState::pod_class)
    }

    /// The host port mapped to `container_port`.
    pub fn host_port(&self, container_port: u32) -> Option<u32> {
        self.ports
            .iter()
            .find(|p| p.container_port == container_port)
            .map(|p| p.host_port)
    }

    /// `ssh -p <host port of 2222> root@<public ip>`, when both are known.
    pub fn ssh_command(&self) -> Option<String> {
        let ip = self.public_ip.as_deref().filter(|s| !s.is_empty())?;
        let port = self.host_port(SSH_PORT)?;
        Some(format!("ssh -p {port} root@{ip}"))
    }

    /// From a legacy `/deployments` item with `spec.is_pod`.
    pub fn from_deployment(d: &Deployment) -> Self {
        let ev = EndpointView::from_deployment(d);
        let status = d.status.as_ref();
        PodView {
            family: RouteFamily::Legacy,
            stopped: ev.min_replicas == Some(0)
                || matches!(
                    ev.state,
                    Some(EndpointState::Stopped) | Some(EndpointState::Stopping)
                ),
            public_ip: status.and_then(|s| s.public_ip.clone()),
            ports: status
                .map(|s| {
                    s.container_port_status
                        .iter()
                        .filter_map(|p| {
                            p.host_port.map(|h| PortMapping {
                                container_port: p.container_port,
                                host_port: h,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            id: ev.id,
            name: ev.name,
            owner: ev.owner,
            created_at: ev.created_at,
            state: ev.state,
            shape: ev.shape,
            node_groups: ev.node_groups,
            image: ev.image,
        }
    }

    /// From a new-family `/devpods` item.
    pub fn from_devpod(p: &DevPod) -> Self {
        let status = p.status.as_ref();
        let name = p
            .metadata
            .name
            .clone()
            .or_else(|| p.metadata.id.clone())
            .unwrap_or_default();
        PodView {
            family: RouteFamily::New,
            id: name.to_string(),
            name: name.to_string(),
            owner: p
                .metadata
                .owner
                .as_deref()
                .or(p.metadata.created_by())
                .map(str::to_string),
            created_at: p.metadata.created_at,
            state: status.and_then(|s| s.state.clone()),
            shape: p.spec.resource_shape.clone(),
            node_groups: p
                .spec
                .affinity
                .as_ref()
                .map(|a| a.allowed_dedicated_node_groups.clone())
                .unwrap_or_default(),
            image: p.spec.container.as_ref().and_then(|c| c.image.clone()),
            stopped: p.spec.stopped == Some(true),
            public_ip: status.and_then(|s| s.public_ip.clone()),
            ports: status
                .map(|s| {
                    s.port_statuses
                        .iter()
                        .filter_map(|x| {
                            x.host_port.map(|h| PortMapping {
                                container_port: x.container_port,
                                host_port: h,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}
