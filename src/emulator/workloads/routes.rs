//! Workload routes: both endpoint/pod route families, jobs (paged), node
//! groups, replicas, readiness, terminations, events and template render.
//! Merged into the API router before the fault middleware, so auth, roles,
//! activation gating and faults cover them like every other route.

mod jobs;
mod rendering;

use jobs::*;
use rendering::*;

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
    if cfg.big_lists > 0
        && let Some(first) = items.first().cloned()
    {
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
    let mut spec = t.spec.content.value();
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
