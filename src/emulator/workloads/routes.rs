//! Workload routes: both endpoint/pod route families, jobs (paged), node
//! groups, replicas, readiness, terminations, events and template render.
//! Merged into the API router before the fault middleware, so auth, roles,
//! activation gating and faults cover them like every other route.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{EndpointRec, PodRec, WorkloadStore, check_job_name};
use crate::api::paths;
use crate::api::types::{Metadata, Template};
use crate::api::workloads::*;
use crate::emulator::error::{HttpError, parse_body};
use crate::emulator::state::{Need, Shared, Ws, now_ms};

type St = State<Arc<Shared>>;
type Res = Result<Response, HttpError>;

/// Largest `page_size` served.
const MAX_PAGE_SIZE: usize = 1000;
/// `page_size` when only `page` is given.
const DEFAULT_PAGE_SIZE: usize = 50;

fn at(path: &str) -> String {
    format!("{}/{{ws}}{}", paths::WORKSPACES_PREFIX, path)
}

fn item(collection: &str) -> String {
    at(&paths::item_route(collection))
}

fn sub(collection: &str, s: &str) -> String {
    at(&paths::item_sub_route(collection, s))
}

/// The workload routes (no state yet; merged into `routes::router`).
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(&at(paths::DEPLOYMENTS), get(list_deployments))
        .route(&item(paths::DEPLOYMENTS), get(get_deployment))
        .route(
            &sub(paths::DEPLOYMENTS, paths::REPLICAS),
            get(deployment_replicas),
        )
        .route(
            &sub(paths::DEPLOYMENTS, paths::READINESS),
            get(deployment_readiness),
        )
        .route(
            &sub(paths::DEPLOYMENTS, paths::TERMINATION),
            get(deployment_termination),
        )
        .route(
            &sub(paths::DEPLOYMENTS, paths::EVENTS),
            get(deployment_events),
        )
        .route(&at(paths::ENDPOINTS), get(list_endpoints))
        .route(&item(paths::ENDPOINTS), get(get_endpoint))
        .route(
            &sub(paths::ENDPOINTS, paths::REPLICAS),
            get(endpoint_replicas),
        )
        .route(&sub(paths::ENDPOINTS, paths::EVENTS), get(endpoint_events))
        .route(&at(paths::DEVPODS), get(list_devpods))
        .route(&item(paths::DEVPODS), get(get_devpod))
        .route(&at(paths::JOBS), get(list_jobs).post(create_job))
        .route(&item(paths::JOBS), get(get_job))
        .route(&sub(paths::JOBS, paths::REPLICAS), get(job_replicas))
        .route(&sub(paths::JOBS, paths::EVENTS), get(job_events))
        .route(&at(paths::NODE_GROUPS), get(list_node_groups))
        .route(&item(paths::NODE_GROUPS), get(get_node_group))
        .route(
            &sub(paths::NODE_GROUPS, paths::NODES),
            get(node_group_nodes),
        )
        .route(
            &sub(paths::TEMPLATES_PUBLIC, paths::RENDER),
            post(render_public),
        )
        .route(
            &sub(paths::TEMPLATES_PRIVATE, paths::RENDER),
            post(render_private),
        )
}

fn json_ok<T: serde::Serialize>(body: &T) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// Which workload list a response is, for the list faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deployments,
    Endpoints,
    DevPods,
    Jobs,
    NodeGroups,
    Nodes,
}

/// Apply the list faults (`unknown-enums`, `bad-items`, `big-lists`) of the
/// current fault config to a workload list, as the fault middleware does for
/// the other lists: unknown states (`Hibernating`, node status
/// `Quarantined`, node mode `mystery-node`), undecodable items spread through
/// the list, and generated copies of the first item appended. `/workspace`
/// counts are not raised for these.
fn decorate(s: &Shared, suffix: &str, kind: Kind, items: &mut Vec<Value>) {
    let faults = s.faults();
    let cfg = &faults.cfg;
    if !cfg.matches(suffix) {
        return;
    }
    let chance = |r: f64| r >= 1.0 || (r > 0.0 && fastrand::f64() < r);
    if cfg.unknown_enums > 0.0 {
        for it in items.iter_mut() {
            if !chance(cfg.unknown_enums) {
                continue;
            }
            let (ptrs, val): (&[&str], Value) = match kind {
                Kind::Deployments => (&["/status/state", "/status/phase"], json!("Hibernating")),
                Kind::Endpoints | Kind::DevPods | Kind::Jobs => {
                    (&["/status/state"], json!("Hibernating"))
                }
                Kind::NodeGroups => (&["/spec/node_mode"], json!("mystery-node")),
                Kind::Nodes => (&["/status/status"], json!(["Quarantined"])),
            };
            for p in ptrs {
                if let Some(x) = it.pointer_mut(p) {
                    *x = val.clone();
                }
            }
        }
    }
    if cfg.big_lists > 0 {
        if let Some(first) = items.first().cloned() {
            let base = first
                .pointer("/metadata/name")
                .or_else(|| first.pointer("/metadata/id"))
                .and_then(Value::as_str)
                .unwrap_or("item")
                .to_string();
            items.reserve(cfg.big_lists);
            for i in 0..cfg.big_lists {
                let mut copy = first.clone();
                let name = Value::from(format!("{base}-bulk-{i}"));
                for p in ["/metadata/name", "/metadata/id"] {
                    if let Some(x) = copy.pointer_mut(p) {
                        *x = name.clone();
                    }
                }
                items.push(copy);
            }
        }
    }
    if cfg.bad_items > 0 {
        let n = cfg.bad_items;
        let step = (items.len() / n).max(1);
        for i in 0..n {
            let at = (i * step + i).min(items.len());
            items.insert(
                at,
                json!({"metadata": "not-an-object", "spec": [], "status": 7}),
            );
        }
    }
}

/// A list answer with the list faults applied.
fn list_answer<T: serde::Serialize>(s: &Shared, suffix: &str, kind: Kind, items: &[T]) -> Response {
    let mut values: Vec<Value> = items
        .iter()
        .filter_map(|x| serde_json::to_value(x).ok())
        .collect();
    decorate(s, suffix, kind, &mut values);
    json_ok(&values)
}

fn family(w: &Ws) -> RouteFamily {
    RouteFamily::from_features(w.info.features.as_ref())
}

/// 404 unless the workspace serves this route family.
fn require(w: &Ws, want: RouteFamily) -> Result<(), HttpError> {
    if family(w) == want {
        return Ok(());
    }
    Err(HttpError::not_found(match want {
        RouteFamily::Legacy => format!(
            "not available: workspace {} uses the new deployment API \
             (features.enable_new_deployment_api): GET {} and {}",
            w.id,
            crate::api::paths::ENDPOINTS,
            crate::api::paths::DEVPODS
        ),
        RouteFamily::New => format!(
            "not available: workspace {} serves endpoints and pods under {} \
             (features.enable_new_deployment_api is off)",
            w.id,
            crate::api::paths::DEPLOYMENTS
        ),
    }))
}

fn rfc3339(ms: i64) -> Value {
    match jiff::Timestamp::from_second(ms.div_euclid(1000)) {
        Ok(t) => Value::String(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        Err(_) => Value::from(ms),
    }
}

fn event(
    kind: &str,
    reason: &str,
    message: String,
    object: &str,
    name: &str,
    count: u64,
    at: i64,
) -> Event {
    Event {
        kind: kind.into(),
        reason: reason.into(),
        count,
        last_observed_time: Some(rfc3339(at)),
        regarding: Some(json!({"kind": object, "name": name})),
        message: Some(message),
    }
}

// ---------------------------------------------------------------- rendering

fn affinity(group: &Option<String>) -> Option<Affinity> {
    group.as_ref().map(|g| Affinity {
        allowed_dedicated_node_groups: vec![g.clone()],
        ..Default::default()
    })
}

fn endpoint_url(ws: &str, e: &EndpointRec) -> String {
    if matches!(e.state, EndpointState::Stopped) {
        String::new()
    } else {
        format!("https://{}-{ws}.endpoints.example.test", e.name)
    }
}

fn http_port() -> Vec<Port> {
    vec![Port {
        container_port: 8080,
        protocol: Some("tcp".into()),
        ..Default::default()
    }]
}

/// A legacy `/deployments` endpoint: `state` collapses Stopping/Stopped
/// into `Not Ready` as the service does; `phase` keeps the real state.
fn legacy_endpoint(ws: &str, e: &EndpointRec) -> Deployment {
    let shown = match e.state {
        EndpointState::Stopping | EndpointState::Stopped => EndpointState::NotReady,
        ref s => s.clone(),
    };
    Deployment {
        metadata: Metadata {
            id: Some(e.name.clone()),
            name: Some(e.name.clone()),
            created_at: Some(e.created_at),
            owner: Some(e.owner.clone()),
            created_by: Some(e.owner.clone()),
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

fn new_endpoint(ws: &str, e: &EndpointRec) -> HttpEndpoint {
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

fn pod_container(p: &PodRec, strategies: bool) -> Container {
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

fn legacy_pod(p: &PodRec) -> Deployment {
    let shown = match p.state {
        EndpointState::Stopping | EndpointState::Stopped => EndpointState::NotReady,
        ref s => s.clone(),
    };
    Deployment {
        metadata: Metadata {
            id: Some(p.name.clone()),
            name: Some(p.name.clone()),
            created_at: Some(p.created_at),
            owner: Some(p.owner.clone()),
            created_by: Some(p.owner.clone()),
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

fn new_devpod(p: &PodRec) -> DevPod {
    DevPod {
        metadata: Metadata {
            name: Some(p.name.clone()),
            created_at: Some(p.created_at),
            owner: Some(p.owner.clone()),
            created_by: Some(p.owner.clone()),
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
fn endpoint_readiness(wl: &WorkloadStore, e: &EndpointRec) -> Readiness {
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

fn endpoint_terminations(wl: &WorkloadStore, e: &EndpointRec) -> Terminations {
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

fn endpoint_events_of(e: &EndpointRec) -> Vec<Event> {
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

fn job_events_of(j: &Job) -> Vec<Event> {
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

// ---------------------------------------------------------------- legacy /deployments

fn find_endpoint<'a>(w: &'a Ws, name: &str) -> Option<&'a EndpointRec> {
    w.workloads.endpoints.iter().find(|e| e.name == name)
}

fn find_pod<'a>(w: &'a Ws, name: &str) -> Option<&'a PodRec> {
    w.workloads.pods.iter().find(|p| p.name == name)
}

fn deployment_not_found(name: &str) -> HttpError {
    HttpError::not_found(format!("deployment {name:?} not found"))
}

async fn list_deployments(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::Legacy)?;
    let mut list: Vec<Deployment> = w
        .workloads
        .endpoints
        .iter()
        .map(|e| legacy_endpoint(&w.id, e))
        .collect();
    list.extend(w.workloads.pods.iter().map(legacy_pod));
    Ok(list_answer(
        &s,
        paths::DEPLOYMENTS,
        Kind::Deployments,
        &list,
    ))
}

async fn get_deployment(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::Legacy)?;
    if let Some(e) = find_endpoint(w, &name) {
        return Ok(json_ok(&legacy_endpoint(&w.id, e)));
    }
    let p = find_pod(w, &name).ok_or_else(|| deployment_not_found(&name))?;
    Ok(json_ok(&legacy_pod(p)))
}

async fn deployment_replicas(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::Legacy)?;
    if let Some(e) = find_endpoint(w, &name) {
        return Ok(json_ok(&w.workloads.endpoint_replicas(e)));
    }
    let p = find_pod(w, &name).ok_or_else(|| deployment_not_found(&name))?;
    Ok(json_ok(&w.workloads.pod_replicas(p)))
}

async fn deployment_readiness(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::Legacy)?;
    if let Some(e) = find_endpoint(w, &name) {
        return Ok(json_ok(&endpoint_readiness(&w.workloads, e)));
    }
    let p = find_pod(w, &name).ok_or_else(|| deployment_not_found(&name))?;
    let stamp = rfc3339(now_ms());
    let map: Readiness = w
        .workloads
        .pod_replicas(p)
        .into_iter()
        .map(|r| {
            (
                r.replica_id().to_string(),
                vec![ReadinessIssue {
                    reason: if p.state == EndpointState::Ready {
                        "Ready".into()
                    } else {
                        "InProgress".into()
                    },
                    message: String::new(),
                    creation_timestamp: stamp.as_str().unwrap_or_default().to_string(),
                }],
            )
        })
        .collect();
    Ok(json_ok(&map))
}

async fn deployment_termination(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::Legacy)?;
    if let Some(e) = find_endpoint(w, &name) {
        return Ok(json_ok(&endpoint_terminations(&w.workloads, e)));
    }
    find_pod(w, &name).ok_or_else(|| deployment_not_found(&name))?;
    Ok(json_ok(&Terminations::new()))
}

async fn deployment_events(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::Legacy)?;
    if let Some(e) = find_endpoint(w, &name) {
        return Ok(json_ok(&endpoint_events_of(e)));
    }
    let p = find_pod(w, &name).ok_or_else(|| deployment_not_found(&name))?;
    let ev = event(
        "Normal",
        if p.stopped { "Stopped" } else { "Started" },
        format!(
            "pod {} {}",
            p.name,
            if p.stopped { "stopped" } else { "started" }
        ),
        "Pod",
        &p.name,
        1,
        p.created_at,
    );
    Ok(json_ok(&vec![ev]))
}

// ---------------------------------------------------------------- new /endpoints, /devpods

fn endpoint_not_found(name: &str) -> HttpError {
    HttpError::not_found(format!("endpoint {name:?} not found"))
}

async fn list_endpoints(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::New)?;
    let list: Vec<HttpEndpoint> = w
        .workloads
        .endpoints
        .iter()
        .map(|e| new_endpoint(&w.id, e))
        .collect();
    Ok(list_answer(&s, paths::ENDPOINTS, Kind::Endpoints, &list))
}

async fn get_endpoint(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::New)?;
    let e = find_endpoint(w, &name).ok_or_else(|| endpoint_not_found(&name))?;
    Ok(json_ok(&new_endpoint(&w.id, e)))
}

async fn endpoint_replicas(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::New)?;
    let e = find_endpoint(w, &name).ok_or_else(|| endpoint_not_found(&name))?;
    Ok(json_ok(&w.workloads.endpoint_replicas(e)))
}

async fn endpoint_events(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::New)?;
    let e = find_endpoint(w, &name).ok_or_else(|| endpoint_not_found(&name))?;
    Ok(json_ok(&endpoint_events_of(e)))
}

async fn list_devpods(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::New)?;
    let list: Vec<DevPod> = w.workloads.pods.iter().map(new_devpod).collect();
    Ok(list_answer(&s, paths::DEVPODS, Kind::DevPods, &list))
}

async fn get_devpod(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    require(w, RouteFamily::New)?;
    let p = find_pod(w, &name)
        .ok_or_else(|| HttpError::not_found(format!("dev pod {name:?} not found")))?;
    Ok(json_ok(&new_devpod(p)))
}

// ---------------------------------------------------------------- jobs

/// Decoded query pairs (repeated keys kept, `+` and `%XX` decoded).
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Vec::new();
    };
    match reqwest::Url::parse(&format!("http://q/?{raw}")) {
        Ok(u) => u
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn mode_of(pairs: &[(String, String)]) -> Result<JobQueryMode, HttpError> {
    match pairs.iter().rev().find(|(k, _)| k == "job_query_mode") {
        None => Ok(JobQueryMode::AliveOnly),
        Some((_, v)) => JobQueryMode::parse(v).ok_or_else(|| {
            HttpError::validation(format!(
                "job_query_mode {v:?}: use alive_only, alive_and_archive or archive_only"
            ))
        }),
    }
}

fn mode_admits(mode: JobQueryMode, j: &Job) -> bool {
    let archived = matches!(j.state(), Some(JobState::Archived));
    match mode {
        JobQueryMode::AliveOnly => !archived,
        JobQueryMode::AliveAndArchive => true,
        JobQueryMode::ArchiveOnly => archived,
    }
}

fn lower_starts(text: &str, prefix: &str) -> bool {
    text.to_lowercase().starts_with(&prefix.to_lowercase())
}

fn lower_contains(text: &str, part: &str) -> bool {
    text.to_lowercase().contains(&part.to_lowercase())
}

/// The server-side filters of `GET /jobs`: `q` (part of name or id),
/// `status` (state prefix, any case), `created_by` (owner prefix),
/// `node_groups` (part of a node group id), `query` (labels `k=v,k`).
/// Repeated parameters of one kind are alternatives.
fn job_matches(j: &Job, pairs: &[(String, String)]) -> bool {
    let values = |key: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    };
    let any =
        |vals: Vec<&str>, f: &dyn Fn(&str) -> bool| vals.is_empty() || vals.into_iter().any(f);
    let state = j
        .state()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let owner = j.metadata.owner.clone().unwrap_or_default();
    let by = j.metadata.created_by.clone().unwrap_or_default();
    let groups: Vec<String> = j
        .spec
        .affinity
        .as_ref()
        .map(|a| a.allowed_dedicated_node_groups.clone())
        .unwrap_or_default();
    let labels = j.metadata.labels.clone().unwrap_or_default();
    any(values("q"), &|q| {
        lower_contains(j.name(), q) || lower_contains(j.id(), q)
    }) && any(values("status"), &|p| lower_starts(&state, p))
        && any(values("created_by"), &|p| {
            lower_starts(&owner, p) || lower_starts(&by, p)
        })
        && any(values("node_groups"), &|p| {
            groups.iter().any(|g| lower_contains(g, p))
        })
        && values("query")
            .into_iter()
            .all(|sel| match sel.split_once('=') {
                Some((k, v)) => labels.get(k.trim()).is_some_and(|x| x == v.trim()),
                None => labels.contains_key(sel),
            })
}

/// `GET /jobs`: `{"jobs": [...]}` when `page` or `page_size` is given (a
/// page past the end is empty — `lep job list` stops on it), a bare array
/// otherwise.
async fn list_jobs(
    State(s): St,
    Path(ws): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Res {
    let pairs = query_pairs(raw.as_deref());
    let mode = mode_of(&pairs)?;
    let number = |key: &str| -> Result<Option<usize>, HttpError> {
        match pairs.iter().rev().find(|(k, _)| k == key) {
            None => Ok(None),
            Some((_, v)) => v.trim().parse::<usize>().map(Some).map_err(|_| {
                HttpError::validation(format!("{key} must be a whole number, got {v:?}"))
            }),
        }
    };
    let page = number("page")?;
    let page_size = number("page_size")?;
    if page == Some(0) || page_size == Some(0) {
        return Err(HttpError::validation("page and page_size start at 1"));
    }
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let mut matching: Vec<Value> = w
        .workloads
        .jobs
        .iter()
        .filter(|j| mode_admits(mode, j) && job_matches(j, &pairs))
        .filter_map(|j| serde_json::to_value(j).ok())
        .collect();
    decorate(&s, paths::JOBS, Kind::Jobs, &mut matching);
    if page.is_none() && page_size.is_none() {
        return Ok(json_ok(&matching));
    }
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE).min(MAX_PAGE_SIZE);
    let start = (page.unwrap_or(1) - 1).saturating_mul(size);
    let slice: Vec<Value> = matching.into_iter().skip(start).take(size).collect();
    Ok(json_ok(&json!({ "jobs": slice })))
}

fn job_not_found(id: &str) -> HttpError {
    HttpError::not_found(format!("job {id:?} not found"))
}

async fn get_job(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Res {
    let mode = mode_of(&query_pairs(raw.as_deref()))?;
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let j = w
        .workloads
        .job(&id)
        .filter(|j| mode_admits(mode, j))
        .ok_or_else(|| job_not_found(&id))?;
    Ok(json_ok(j))
}

async fn job_replicas(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let j = w.workloads.job(&id).ok_or_else(|| job_not_found(&id))?;
    Ok(json_ok(&w.workloads.job_replicas(j)))
}

async fn job_events(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let j = w.workloads.job(&id).ok_or_else(|| job_not_found(&id))?;
    Ok(json_ok(&job_events_of(j)))
}

/// `POST /jobs`: stored as `Queueing`, owned by the caller; the job comes back.
async fn create_job(State(s): St, Path(ws): Path<String>, headers: HeaderMap, body: Bytes) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let mut job: Job = parse_body(&body)?;
    let name = job
        .metadata
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| job.metadata.id.clone())
        .unwrap_or_default();
    check_job_name(&name).map_err(HttpError::validation)?;
    if job.metadata.id.as_deref().is_some_and(|id| id != name) && job.metadata.name.is_some() {
        return Err(HttpError::validation(
            "metadata.id, when given with metadata.name, must equal it",
        ));
    }
    if job
        .spec
        .resource_shape
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        return Err(HttpError::validation("spec.resource_shape is required"));
    }
    if w.workloads.job(&name).is_some() {
        return Err(HttpError::conflict(format!("job {name} already exists")));
    }
    job.metadata.id = Some(name.clone());
    job.metadata.name = Some(name.clone());
    job.metadata.created_at = Some(now);
    job.metadata.owner = Some(caller.email.clone());
    job.metadata.created_by = Some(caller.email);
    let mut status = JobStatus {
        creation_time: Some(now / 1000),
        job_name: Some(name.clone()),
        ..Default::default()
    };
    super::set_job_state(&mut status, &JobState::Queueing, job.spec.workers(), now);
    job.status = Some(status);
    w.workloads.jobs.insert(0, job.clone());
    tracing::info!(workspace = %ws, job = %name, "job created");
    Ok(json_ok(&job))
}

// ---------------------------------------------------------------- node groups

fn group_not_found(id: &str) -> HttpError {
    HttpError::not_found(format!("dedicated node group {id:?} not found"))
}

async fn list_node_groups(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let list: Vec<&NodeGroup> = w.workloads.node_groups.iter().map(|g| &g.group).collect();
    Ok(list_answer(&s, paths::NODE_GROUPS, Kind::NodeGroups, &list))
}

async fn get_node_group(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let g = w
        .workloads
        .node_groups
        .iter()
        .find(|g| g.group.id() == id)
        .ok_or_else(|| group_not_found(&id))?;
    Ok(json_ok(&g.group))
}

async fn node_group_nodes(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Res {
    let idle = query_pairs(raw.as_deref())
        .iter()
        .any(|(k, v)| k == "idle" && v.eq_ignore_ascii_case("true"));
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let g = w
        .workloads
        .node_groups
        .iter()
        .find(|g| g.group.id() == id)
        .ok_or_else(|| group_not_found(&id))?;
    let nodes: Vec<&Node> = g
        .nodes
        .iter()
        .filter(|n| {
            !idle
                || n.spec
                    .resource
                    .as_ref()
                    .and_then(|r| r.gpu.as_ref())
                    .is_none_or(|gpu| gpu.allocated == 0)
        })
        .collect();
    let suffix = format!("{}/{id}/{}", paths::NODE_GROUPS, paths::NODES);
    Ok(list_answer(&s, &suffix, Kind::Nodes, &nodes))
}

// ---------------------------------------------------------------- template render

fn substitute(v: &mut Value, run: &str) {
    match v {
        Value::String(s) if s.contains("${RUN}") => *s = s.replace("${RUN}", run),
        Value::Array(a) => a.iter_mut().for_each(|x| substitute(x, run)),
        Value::Object(o) => o.values_mut().for_each(|x| substitute(x, run)),
        _ => {}
    }
}

fn render(t: &Template, body: &[u8]) -> Res {
    let req: RenderRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RenderRequest::default()
    } else {
        parse_body(body)?
    };
    let mut spec = t.spec.content.clone();
    if !spec.is_object() {
        spec = json!({});
    }
    if let Some(run) = req.run.as_deref() {
        substitute(&mut spec, run);
    }
    Ok(json_ok(&json!({"metadata": {}, "spec": spec})))
}

async fn render_public(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let store = s.store();
    store.ws(&ws)?.authorize(&headers, Need::Read, now_ms())?;
    let t = store
        .templates_public
        .iter()
        .find(|t| t.id() == id)
        .ok_or_else(|| HttpError::not_found(format!("public template {id:?} not found")))?;
    render(t, &body)
}

async fn render_private(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let t = w
        .templates_private
        .iter()
        .find(|t| t.id() == id)
        .ok_or_else(|| HttpError::not_found(format!("private template {id:?} not found")))?;
    render(t, &body)
}
