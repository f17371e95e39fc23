//! Fault injection: the axum middleware that applies the current
//! [`FaultConfig`] to API routes (never to `/_emulator/*`). The SPEC parser is
//! `super::fault_spec`; the syntax is documented in the module docs of
//! [`crate::emulator`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::Value;

use super::error::HttpError;
use super::fault_spec::{FaultConfig, chance};
use super::state::Shared;
use crate::api::paths;
use crate::api::types::*;

/// The workspace id of an API path (`""` when there is none).
pub(crate) fn api_workspace(path: &str) -> &str {
    let rest = path
        .strip_prefix(paths::WORKSPACES_PREFIX)
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or("");
    rest.split('/').next().unwrap_or("")
}

/// The path of a request relative to its workspace base (`/` for the base).
pub(crate) fn api_suffix(path: &str) -> &str {
    let rest = path
        .strip_prefix(paths::WORKSPACES_PREFIX)
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(path);
    match rest.find('/') {
        Some(i) if i + 1 < rest.len() => &rest[i..],
        _ => "/",
    }
}

/// Which list a `GET` collection path returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Members,
    Tokens,
    Secrets,
    Registries,
    Templates,
}

fn list_kind(suffix: &str) -> Option<ListKind> {
    Some(match suffix {
        paths::USERS => ListKind::Members,
        paths::TOKENS => ListKind::Tokens,
        paths::SECRETS => ListKind::Secrets,
        paths::REGISTRIES => ListKind::Registries,
        paths::TEMPLATES_PUBLIC | paths::TEMPLATES_PRIVATE => ListKind::Templates,
        _ => return None,
    })
}

/// Upper bound on a response body the middleware rewrites.
const BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The fault middleware, layered on the API routes only.
pub(crate) async fn middleware(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let faults = shared.faults();
    let suffix = api_suffix(req.uri().path()).to_string();
    shared.count_request(
        api_workspace(req.uri().path()),
        req.method().as_str(),
        &suffix,
    );
    if faults.cfg.is_empty() || !faults.cfg.matches(&suffix) {
        return next.run(req).await;
    }
    let cfg = &faults.cfg;
    if let Some(d) = cfg.latency
        && !shared.sleep_unless_shutdown(d).await
    {
        return shutting_down();
    }
    if let Some(d) = cfg.hang
        && !shared.sleep_unless_shutdown(d).await
    {
        return shutting_down();
    }
    if faults.rate_limited() {
        let secs = cfg.retry_after.unwrap_or(1);
        let mut resp = HttpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!("rate limit exceeded (injected fault); retry after {secs}s"),
        )
        .into_response();
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return resp;
    }
    if let Some(code) = cfg.status {
        return injected_status(code);
    }
    if chance(cfg.error_rate) {
        let status = if fastrand::bool() {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        return HttpError::new(
            status,
            "InternalFailure",
            "internal failure (injected fault); the request was not applied",
        )
        .into_response();
    }
    let is_get = req.method() == Method::GET;
    let is_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let resp = next.run(req).await;
    if !resp.status().is_success() {
        return resp;
    }
    if is_write && cfg.after_apply() {
        // The change is stored by now; only the answer goes wrong.
        if let Some(d) = cfg.hang_after_apply
            && !shared.sleep_unless_shutdown(d).await
        {
            return shutting_down();
        }
        let reset = chance(cfg.reset_after_apply);
        if reset && peer.is_some_and(|p| shared.cut_connection(p)) {
            // Never reaches the client: the connection fails at its next write.
            return shutting_down();
        }
        // (A connection that cannot be cut gets the 500 instead.)
        if reset || chance(cfg.fail_after_apply) {
            return HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalFailure",
                "internal failure (injected fault) after the change was stored",
            )
            .into_response();
        }
    }
    let rewrite_list = is_get && cfg.touches_lists() && list_kind(&suffix).is_some();
    let rewrite_info = is_get
        && (cfg.big_lists > 0 || cfg.unknown_enums > 0.0)
        && (suffix == paths::WORKSPACE || suffix == paths::INFO);
    let resp = if rewrite_list || rewrite_info {
        let (parts, body) = resp.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalFailure",
                "emulator: response too large to rewrite",
            )
            .into_response();
        };
        let new = match serde_json::from_slice::<Value>(&bytes) {
            Ok(mut v) => {
                if let Some(kind) = list_kind(&suffix) {
                    decorate_list(cfg, kind, &mut v);
                } else {
                    decorate_info(cfg, &mut v);
                }
                serde_json::to_vec(&v).map(Bytes::from).unwrap_or(bytes)
            }
            Err(_) => bytes,
        };
        let mut resp = Response::from_parts(parts, Body::from(new));
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        resp
    } else {
        resp
    };
    if chance(cfg.malformed) {
        let status = resp.status();
        let mut broken = Response::new(Body::from("{\"broken"));
        *broken.status_mut() = if status == StatusCode::NO_CONTENT {
            StatusCode::OK
        } else {
            status
        };
        broken.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return broken;
    }
    if chance(cfg.truncate) {
        return truncate(resp).await;
    }
    resp
}

/// The answer of `status=N`: N with the Lepton error code of that status.
fn injected_status(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let name = match status {
        StatusCode::UNAUTHORIZED => "Unauthorized",
        StatusCode::FORBIDDEN => "StatusForbidden",
        StatusCode::NOT_FOUND => "ResourceNotFound",
        StatusCode::CONFLICT => "ResourceConflict",
        StatusCode::TOO_MANY_REQUESTS => "TooManyRequests",
        s if s.is_server_error() => "InternalFailure",
        _ => "InvalidRequest",
    };
    HttpError::new(
        status,
        name,
        format!("{code} (injected fault); the request was not applied"),
    )
    .into_response()
}

fn shutting_down() -> Response {
    HttpError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "InternalFailure",
        "the emulator is shutting down",
    )
    .into_response()
}

/// Send the first half of the body under the full `Content-Length`, then
/// drop the connection.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return shutting_down();
    };
    if bytes.len() < 2 {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let half = bytes.slice(..bytes.len() / 2);
    // The pause before the error lets the server flush the head and the
    // first half: without it both sit in the write buffer when the error
    // aborts the connection, and the client sees no answer at all.
    let cut = futures::stream::once(async {
        tokio::time::sleep(TRUNCATE_PAUSE).await;
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated body (injected fault)",
        ))
    });
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(half)]).chain(cut);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// How long a truncated body stays open after its first half.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// Apply `unknown-enums`, `bad-items` and `big-lists` to a list body.
fn decorate_list(cfg: &FaultConfig, kind: ListKind, v: &mut Value) {
    let Value::Array(items) = v else { return };
    if cfg.unknown_enums > 0.0 {
        for item in items.iter_mut() {
            if chance(cfg.unknown_enums) {
                unknown_enum(kind, item);
            }
        }
    }
    if cfg.big_lists > 0 {
        items.reserve(cfg.big_lists);
        // Whole hours: the generated rows read the same from poll to poll
        // (a server's timestamps do not move on every request).
        let now = super::state::now_ms() / 3_600_000 * 3_600_000;
        for i in 1..=cfg.big_lists {
            items.push(generated(kind, i, now));
        }
    }
    if cfg.bad_items > 0 {
        let n = cfg.bad_items;
        for k in (1..=n).rev() {
            let at = k * items.len() / (n + 1);
            items.insert(at.min(items.len()), bad_item());
        }
    }
}

/// `big-lists` also raises the counts of `/workspace`, for the lists it hits;
/// `unknown-enums` also gives the workspace an unknown state.
fn decorate_info(cfg: &FaultConfig, v: &mut Value) {
    if cfg.big_lists > 0 {
        let n = cfg.big_lists as u64;
        let bump = |v: &mut Value, key: &str| {
            if let Some(x) = v.pointer_mut(&format!("/workloads/{key}")) {
                *x = Value::from(x.as_u64().unwrap_or(0) + n);
            }
        };
        if cfg.matches(paths::SECRETS) {
            bump(v, "num_secrets");
        }
        if cfg.matches(paths::REGISTRIES) {
            bump(v, "num_image_pull_secrets");
        }
    }
    if chance(cfg.unknown_enums)
        && let Some(s) = v.get_mut("workspace_state")
    {
        *s = Value::from("hibernating");
    }
}

/// An item no client can decode as any list item (wrong types, no id/name).
fn bad_item() -> Value {
    serde_json::json!({"metadata": "not-an-object", "name": 7, "spec": [], "email": false})
}

/// Set a string at a JSON pointer, creating the last key when its parent
/// object exists.
fn set_str(item: &mut Value, ptr: &str, val: &str) {
    let (parent, key) = ptr.rsplit_once('/').unwrap_or(("", ptr));
    let target = if parent.is_empty() {
        Some(item)
    } else {
        item.pointer_mut(parent)
    };
    if let Some(Value::Object(m)) = target {
        m.insert(key.to_string(), Value::from(val));
    }
}

fn unknown_enum(kind: ListKind, item: &mut Value) {
    let set = set_str;
    match kind {
        ListKind::Members => {
            set(item, "/role", "billing-admin");
            set(item, "/status", "suspended");
        }
        ListKind::Secrets => set(item, "/visibility", "team"),
        ListKind::Registries => set(item, "/metadata/visibility", "organization"),
        ListKind::Templates => {
            set(item, "/spec/workload_type", "finetune");
            set(item, "/metadata/visibility", "organization");
        }
        // Token records have no enum fields.
        ListKind::Tokens => {}
    }
}

/// One generated list item for `big-lists`, built from the wire types.
fn generated(kind: ListKind, i: usize, now: i64) -> Value {
    let day = 86_400_000_i64;
    let at = now - (i as i64 % 365) * day;
    let v = match kind {
        ListKind::Members => serde_json::to_value(Member {
            id: format!("u-bulk{i:06}").into(),
            email: format!("bulk.user{i:06}@example.com").into(),
            name: Some(format!("Bulk User {i}").into()),
            role: if i.is_multiple_of(10) {
                Role::User
            } else {
                Role::Viewer
            },
            status: MemberStatus::Active,
            invited_by: Some("alex.rivera@example.com".into()),
            created_at: Some(at),
            last_active_at: Some(now - (i as i64 % 48) * 3_600_000),
        }),
        ListKind::Tokens => serde_json::to_value(Token {
            id: format!("tok-bulk{i:06}").into(),
            name: format!("bulk-token-{i}").into(),
            masked_value: format!("nvapi-bulk...{:04}", i % 10_000).into(),
            scopes: vec!["read".into()],
            created_at: Some(at),
            expires_at: Some(now + ((i as i64 % 400) - 20) * day),
            created_by: Some(format!("bulk.user{i:06}@example.com").into()),
        }),
        ListKind::Secrets => serde_json::to_value(Secret {
            name: format!("BULK_SECRET_{i:06}").into(),
            tags: vec!["generated".into(), format!("batch-{}", i % 20).into()],
            owner: Some(format!("bulk.user{i:06}@example.com").into()),
            visibility: Some(if i.is_multiple_of(3) {
                Visibility::Private
            } else {
                Visibility::Public
            }),
        }),
        ListKind::Registries => serde_json::to_value(Registry {
            metadata: Metadata {
                id: Some(format!("bulk-registry-{i:06}").into()),
                name: Some(format!("bulk-registry-{i:06}").into()),
                created_at: Some(at),
                owner: Some("alex.rivera@example.com".into()),
                more: crate::api::types::MetadataMore::by("alex.rivera@example.com"),
                ..Default::default()
            },
            spec: RegistrySpec {
                registry_server: format!("registry{}.example.com", i % 50).into(),
                username: format!("bot{i}").into(),
                email: None,
                provider: Some("custom".into()),
            },
        }),
        ListKind::Templates => serde_json::to_value(Template {
            metadata: Metadata {
                id: Some(format!("bulk-template-{i:06}").into()),
                name: Some(format!("Bulk template {i}").into()),
                created_at: Some(at),
                ..Default::default()
            },
            spec: TemplateSpec {
                content:
                    serde_json::json!({"container": {"image": "nvcr.io/nvidia/pytorch:25.01-py3"}})
                        .into(),
                json_schema: serde_json::json!({"type": "object", "properties": {}}).into(),
                workload_type: Some(match i % 3 {
                    0 => WorkloadType::Job,
                    1 => WorkloadType::Pod,
                    _ => WorkloadType::Deployment,
                }),
            },
            status: Some(TemplateStatus {
                state: Some("ready".into()),
            }),
        }),
    };
    v.unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths() {
        assert_eq!(api_workspace("/api/v2/workspaces/demo/usersecrets"), "demo");
        assert_eq!(api_workspace("/api/v2/workspaces/demo"), "demo");
        assert_eq!(api_workspace("/elsewhere"), "");
        assert_eq!(api_suffix("/api/v2/workspaces/demo"), "/");
        assert_eq!(api_suffix("/api/v2/workspaces/demo/"), "/");
        assert_eq!(
            api_suffix("/api/v2/workspaces/demo/usersecrets/X"),
            "/usersecrets/X"
        );
    }

    #[test]
    fn list_decoration() {
        let cfg = FaultConfig::parse("unknown-enums,bad-items=2,big-lists=3").unwrap();
        let mut v = serde_json::json!([{"name": "A", "visibility": "public"}]);
        decorate_list(&cfg, ListKind::Secrets, &mut v);
        let l = Listed::<Secret>::from_value(v).unwrap();
        assert_eq!(l.items.len(), 4);
        assert_eq!(l.skipped.len(), 2);
        assert_eq!(
            l.items[0].visibility,
            Some(Visibility::Unknown("team".into()))
        );
        for kind in [
            ListKind::Members,
            ListKind::Tokens,
            ListKind::Registries,
            ListKind::Templates,
        ] {
            let mut v = serde_json::json!([]);
            decorate_list(&cfg, kind, &mut v);
            assert_eq!(v.as_array().unwrap().len(), 5, "{kind:?}");
        }
    }
}
