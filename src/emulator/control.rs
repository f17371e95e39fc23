//! Control endpoints under `/_emulator` (no auth, loopback callers only,
//! never subject to faults).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::error::{HttpError, parse_body};
use super::fault_spec::FaultConfig;
use super::state::{Shared, now_ms};
use crate::api::paths;
use crate::api::types::*;

type St = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(paths::CONTROL_HEALTH, get(health))
        .route(paths::CONTROL_FAULTS, get(get_faults).post(post_faults))
        .route(paths::CONTROL_ACTIVATION, post(post_activation))
        .route(paths::CONTROL_TOKENS, post(mint_token))
        .route(
            paths::CONTROL_REQUESTS,
            get(get_requests).delete(reset_requests),
        )
        .route(
            &format!("{}/{{*rest}}", paths::CONTROL_PREFIX),
            axum::routing::any(|| async {
                HttpError::not_found("no such emulator control endpoint")
            }),
        )
        .layer(axum::middleware::from_fn(loopback_only))
        .with_state(shared)
}

/// Refuse control calls from anything but loopback.
async fn loopback_only(req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match peer {
        Some(ip) if ip.is_loopback() => next.run(req).await,
        _ => HttpError::forbidden("emulator control endpoints answer loopback callers only")
            .into_response(),
    }
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    uptime_ms: u128,
    faults: String,
    workspaces: Vec<HealthWs>,
}

#[derive(Serialize)]
struct HealthWs {
    id: String,
    display_name: String,
    base_url: String,
    activation_state: ActivationState,
}

async fn health(State(s): St) -> Json<Health> {
    let workspaces = s
        .store()
        .workspaces
        .iter()
        .map(|w| HealthWs {
            id: w.id.clone(),
            display_name: w.display_name.clone(),
            base_url: s.base_url(&w.id),
            activation_state: w.activation.clone(),
        })
        .collect();
    Json(Health {
        status: "ok",
        uptime_ms: s.started.elapsed().as_millis(),
        faults: s.faults().cfg.to_string(),
        workspaces,
    })
}

#[derive(Serialize)]
struct FaultsView {
    /// Canonical spec; `none` when no fault is set.
    spec: String,
    active: bool,
}

fn faults_view(s: &Shared) -> FaultsView {
    let f = s.faults();
    FaultsView {
        spec: f.cfg.to_string(),
        active: !f.cfg.is_empty(),
    }
}

async fn get_faults(State(s): St) -> Json<FaultsView> {
    Json(faults_view(&s))
}

/// Body: `{"spec": "..."}`, a JSON string, a `{key: value}` object, or the
/// spec as plain text. Replaces the whole config.
async fn post_faults(State(s): St, body: Bytes) -> Response {
    let parsed = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) => FaultConfig::from_json(&v),
        Err(_) => match std::str::from_utf8(&body) {
            Ok(text) => FaultConfig::parse(text),
            Err(_) => Err(super::EmulatorError::FaultSpec(
                "the body is not UTF-8".into(),
            )),
        },
    };
    match parsed {
        Ok(cfg) => {
            tracing::info!(faults = %cfg, "faults replaced");
            s.set_faults(cfg);
            Json(faults_view(&s)).into_response()
        }
        Err(e) => HttpError::new(StatusCode::BAD_REQUEST, "InvalidFaultSpec", e.to_string())
            .into_response(),
    }
}

#[derive(Serialize)]
struct RequestsView {
    requests: Vec<super::RequestCount>,
}

async fn get_requests(State(s): St) -> Json<RequestsView> {
    Json(RequestsView {
        requests: super::request_counts(&s),
    })
}

async fn reset_requests(State(s): St) -> Json<RequestsView> {
    s.reset_request_counts();
    Json(RequestsView { requests: vec![] })
}

#[derive(Deserialize)]
struct ActivationBody {
    state: ActivationState,
}

async fn post_activation(
    State(s): St,
    Path(ws): Path<String>,
    body: Bytes,
) -> Result<Response, HttpError> {
    let req: ActivationBody = parse_body(&body)?;
    if req.state.is_unknown() {
        return Err(HttpError::validation(format!(
            "unknown activation state {:?}: use not_activated, pending or active",
            req.state.as_str()
        )));
    }
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    w.activation = req.state;
    w.activation_updated_at = now_ms();
    tracing::info!(workspace = %ws, state = %w.activation, "activation changed");
    let base = s.base_url(&ws);
    Ok(Json(w.resolver(base)).into_response())
}

#[derive(Deserialize)]
struct MintBody {
    /// Member id or email.
    member: String,
    #[serde(default)]
    name: Option<String>,
    /// Seconds from now; zero or negative makes an already-expired token.
    #[serde(default = "default_mint_seconds")]
    expires_in: i64,
    #[serde(default)]
    scopes: Vec<String>,
}

fn default_mint_seconds() -> i64 {
    30 * 86_400
}

/// Mint a token for any active member, the way that member would in the web
/// UI. Answers 201 with the record and the plaintext.
async fn mint_token(
    State(s): St,
    Path(ws): Path<String>,
    body: Bytes,
) -> Result<Response, HttpError> {
    let req: MintBody = parse_body(&body)?;
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let m = w
        .members
        .iter()
        .find(|m| m.id == req.member || m.email.eq_ignore_ascii_case(&req.member))
        .ok_or_else(|| HttpError::not_found(format!("member {:?} not found", req.member)))?;
    if m.status != MemberStatus::Active {
        return Err(HttpError::validation(format!(
            "{} has not accepted the invitation yet",
            m.email
        )));
    }
    let (id, email) = (m.id.clone(), m.email.clone());
    let expires_at = now.saturating_add(req.expires_in.saturating_mul(1000));
    let created = w.add_token(
        &id,
        &email,
        req.name.unwrap_or_else(|| "emulator-minted".into()),
        req.scopes,
        expires_at,
        now,
    );
    Ok((StatusCode::CREATED, Json(created)).into_response())
}
