//! Wire bodies of both route families built from the emulator records, with their readiness, terminations and events.

use super::*;

pub(super) fn affinity(group: &Option<String>) -> Option<Affinity> {
    group.as_ref().map(|g| Affinity {
        allowed_dedicated_node_groups: vec![g.clone()],
        ..Default::default()
    })
}

pub(super) fn endpoint_url(ws: &str, e: &EndpointRec) -> String {
    if matches!(e.state, EndpointState::Stopped) {
        String::new()
    } else {
        format!("https://{}-{ws}.endpoints.example.test", e.name)
    }
}

pub(super) fn http_port() -> Vec<Port> {
    vec![Port {
        container_port: 8080,
        protocol: Some("tcp".into()),
        ..Default::default()
    }]
}

/// A legacy `/deployments` endpoint: `state` collapses Stopping/Stopped
/// into `Not Ready` as the service does; `phase` keeps the real state.
pub(super) fn legacy_endpoint(ws: &str, e: &EndpointRec) -> Deployment {
    let shown = match e.state {
        EndpointState::Stopping | EndpointState::Stopped => EndpointState::NotReady,
        ref s => s.clone(),
    };
    Deployment {
        metadata: Metadata {
            id: Some(e.name.clone().into()),
            name: Some(e.name.clone().into()),
            created_at: Some(e.created_at),
            owner: Some(e.owner.clone().into()),
            more: crate::api::types::MetadataMore::by(e.owner.clone()),
            ..Default::default()
        },
        spec: DeploymentSpec {
            container: Some(Container {
                image: Some(e.image.clone()),
                command: Vec::new(),
                ports: http_port(),
            }),
            resource_requirement: Some(ResourceRequirement {
                resource_shape: Some(e.shape.clone()),
                min_replicas: Some(e.min),
                max_replicas: e.max,
                affinity: affinity(&e.node_group),
            }),
            is_pod: None,
            queue_config: e.priority.as_ref().map(|p| QueueConfig {
                priority_class: Some(p.clone()),
                ..Default::default()
            }),
        },
        status: Some(DeploymentStatus {
            state: Some(shown),
            phase: Some(e.state.clone()),
            endpoint: DeploymentEndpoint {
                internal_endpoint: format!("http://{}.{ws}.svc.cluster.local:8080", e.name),
                external_endpoint: endpoint_url(ws, e),
            },
            autoscaler_status: Some(AutoscalerStatus {
                desired_replicas: Some(e.desired),
            }),
            ..Default::default()
        }),
    }
}

pub(super) fn new_endpoint(ws: &str, e: &EndpointRec) -> HttpEndpoint {
    HttpEndpoint {
        metadata: EndpointMetadata {
            name: Some(e.name.clone()),
            created_at: Some(e.created_at),
            lepton_metadata: Some(LeptonMetadata {
                owner: Some(e.owner.clone()),
                created_by: Some(e.owner.clone()),
                ..Default::default()
            }),
            ..Default::default()
        },
        spec: EndpointSpec {
            components: vec![EndpointComponent {
                name: Some("main".into()),
                frontend: Some(true),
                image: Some(e.image.clone()),
                ports: http_port(),
                resource_shape: Some(e.shape.clone()),
                min_replicas: Some(e.min),
                max_replicas: e.max,
                affinity: affinity(&e.node_group),
                queue_config: e.priority.as_ref().map(|p| QueueConfig {
                    priority_class: Some(p.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
        },
        status: Some(EndpointStatus {
            state: Some(e.state.clone()),
            external_url: Some(endpoint_url(ws, e)).filter(|u| !u.is_empty()),
            // The service omits it when 0.
            ready_replicas: (e.ready > 0).then_some(e.ready),
            auto_scaler_status: Some(AutoscalerStatus {
                desired_replicas: Some(e.desired),
            }),
        }),
    }
}

pub(super) fn pod_container(p: &PodRec, strategies: bool) -> Container {
    Container {
        image: Some(p.image.clone()),
        command: Vec::new(),
        ports: p
            .ports
            .iter()
            .map(|(c, _)| Port {
                container_port: *c,
                protocol: Some("TCP".into()),
                expose_strategies: if strategies {
                    vec!["HostPortMapping".into()]
                } else {
                    Vec::new()
                },
                ..Default::default()
            })
            .collect(),
    }
}

pub(super) fn legacy_pod(p: &PodRec) -> Deployment {
    let shown = match p.state {
        EndpointState::Stopping | EndpointState::Stopped => EndpointState::NotReady,
        ref s => s.clone(),
    };
    Deployment {
        metadata: Metadata {
            id: Some(p.name.clone().into()),
            name: Some(p.name.clone().into()),
            created_at: Some(p.created_at),
            owner: Some(p.owner.clone().into()),
            more: crate::api::types::MetadataMore::by(p.owner.clone()),
            ..Default::default()
        },
        spec: DeploymentSpec {
            container: Some(pod_container(p, false)),
            resource_requirement: Some(ResourceRequirement {
                resource_shape: Some(p.shape.clone()),
                min_replicas: Some(if p.stopped { 0 } else { 1 }),
                max_replicas: None,
                affinity: affinity(&p.node_group),
            }),
            is_pod: Some(true),
            queue_config: None,
        },
        status: Some(DeploymentStatus {
            state: Some(shown),
            phase: Some(p.state.clone()),
            endpoint: DeploymentEndpoint::default(),
            container_port_status: if p.stopped {
                Vec::new()
            } else {
                p.ports
                    .iter()
                    .map(|(c, h)| ContainerPortStatus {
                        container_port: *c,
                        host_port: Some(*h),
                        protocol: Some("TCP".into()),
                        ..Default::default()
                    })
                    .collect()
            },
            ..Default::default()
        }),
    }
}

pub(super) fn new_devpod(p: &PodRec) -> DevPod {
    DevPod {
        metadata: Metadata {
            name: Some(p.name.clone().into()),
            created_at: Some(p.created_at),
            owner: Some(p.owner.clone().into()),
            more: crate::api::types::MetadataMore::by(p.owner.clone()),
            ..Default::default()
        },
        spec: DevPodSpec {
            container: Some(pod_container(p, true)),
            resource_shape: Some(p.shape.clone()),
            affinity: affinity(&p.node_group),
            stopped: Some(p.stopped),
            queue_config: None,
        },
        status: Some(DevPodStatus {
            state: Some(p.state.clone()),
            external_url: None,
            public_ip: if p.stopped { None } else { p.public_ip.clone() },
            port_statuses: if p.stopped {
                Vec::new()
            } else {
                p.ports
                    .iter()
                    .map(|(c, h)| DevPodPortStatus {
                        container_port: *c,
                        host_port: Some(*h),
                        external_url: None,
                    })
                    .collect()
            },
        }),
    }
}

/// Readiness of an endpoint's replicas: the first `ready` are `Ready`, the
/// rest explain the state.
pub(super) fn endpoint_readiness(wl: &WorkloadStore, e: &EndpointRec) -> Readiness {
    let now = rfc3339(now_ms());
    let stamp = now.as_str().unwrap_or_default().to_string();
    wl.endpoint_replicas(e)
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let (reason, message) = if (i as u32) < e.ready {
                ("Ready", String::new())
            } else {
                match e.state {
                    EndpointState::Error => (
                        "ConfigError",
                        "container exited with code 1 (see the replica log)".to_string(),
                    ),
                    EndpointState::NotReady => {
                        ("NoCapacity", format!("waiting for {} capacity", e.shape))
                    }
                    _ => ("InProgress", "replica is starting".to_string()),
                }
            };
            (
                r.replica_id().to_string(),
                vec![ReadinessIssue {
                    reason: reason.into(),
                    message,
                    creation_timestamp: stamp.clone(),
                }],
            )
        })
        .collect()
}

pub(super) fn endpoint_terminations(wl: &WorkloadStore, e: &EndpointRec) -> Terminations {
    if e.state != EndpointState::Error {
        return Terminations::new();
    }
    let now = now_ms() / 1000;
    wl.endpoint_replicas(e)
        .into_iter()
        .map(|r| {
            (
                r.replica_id().to_string(),
                vec![Termination {
                    started_at: now - 95,
                    finished_at: now - 80,
                    exit_code: 1,
                    reason: "Error".into(),
                    message: "model repository: failed to load 'ensemble'".into(),
                }],
            )
        })
        .collect()
}

pub(super) fn endpoint_events_of(e: &EndpointRec) -> Vec<Event> {
    let t = e.created_at;
    let now = now_ms();
    let ev = |k, r, m: String, c, at| event(k, r, m, "Endpoint", &e.name, c, at);
    let mut out = vec![ev(
        "Normal",
        "Created",
        format!("endpoint {} created with shape {}", e.name, e.shape),
        1,
        t,
    )];
    out.push(match e.state {
        EndpointState::Ready => ev(
            "Normal",
            "Ready",
            format!("{} of {} replicas ready", e.ready, e.desired),
            1,
            now - 600_000,
        ),
        EndpointState::Scaling | EndpointState::Updating => ev(
            "Normal",
            "ScalingReplicaSet",
            format!("scaling to {} replicas", e.desired),
            2,
            now - 120_000,
        ),
        EndpointState::NotReady => ev(
            "Warning",
            "FailedScheduling",
            format!(
                "0 nodes available for {}: insufficient nvidia.com/gpu",
                e.shape
            ),
            7,
            now - 60_000,
        ),
        EndpointState::Error => ev(
            "Warning",
            "BackOff",
            "back-off restarting failed container".to_string(),
            12,
            now - 30_000,
        ),
        EndpointState::Stopped => ev(
            "Normal",
            "Stopped",
            "scaled to zero".to_string(),
            1,
            now - 86_400_000,
        ),
        _ => ev(
            "Normal",
            "Pulling",
            format!("pulling image {}", e.image),
            1,
            now - 90_000,
        ),
    });
    out
}

pub(super) fn job_events_of(j: &Job) -> Vec<Event> {
    let name = j.id();
    let t = j.metadata.created_at.unwrap_or(0);
    let now = now_ms();
    let ev = |k, r, m: String, c, at| event(k, r, m, "Job", name, c, at);
    let group = j
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.allowed_dedicated_node_groups.first())
        .cloned()
        .unwrap_or_else(|| "shared capacity".into());
    let mut out = vec![ev(
        "Normal",
        "Submitted",
        format!("job {name} submitted"),
        1,
        t,
    )];
    let state = j
        .state()
        .cloned()
        .unwrap_or(JobState::Unknown("UNK".into()));
    match state {
        JobState::Queueing | JobState::Awaiting => out.push(ev(
            "Normal",
            "Queued",
            format!("waiting for quota in {group}"),
            3,
            now - 30_000,
        )),
        JobState::PendingRetry => out.push(ev(
            "Warning",
            "WorkerFailed",
            "worker 0 exited with code 1; the job will be retried".into(),
            1,
            now - 120_000,
        )),
        JobState::Failed => out.push(ev(
            "Warning",
            "Failed",
            "worker 0 exited with code 137 (OOMKilled); no retries left".into(),
            1,
            now - 3_600_000,
        )),
        JobState::Completed => out.push(ev(
            "Normal",
            "Completed",
            format!("all {} workers succeeded", j.spec.workers()),
            1,
            now - 3_600_000,
        )),
        JobState::Stopped => out.push(ev(
            "Normal",
            "Stopped",
            "stopped by its owner".into(),
            1,
            now - 7_200_000,
        )),
        _ => out.push(ev(
            "Normal",
            "Started",
            format!("{} workers started in {group}", j.spec.workers()),
            1,
            now - 600_000,
        )),
    }
    out
}
