//! The workspace API handlers, routed from the constants in `api::paths`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch};
use secrecy::{ExposeSecret, SecretString};

use super::error::{HttpError, parse_body};
use super::faults;
use super::state::{Need, RegistryEntry, SecretEntry, Shared, gen_id, now_ms, secret_visible};
use super::validate;
use crate::api::paths;
use crate::api::types::*;

type St = State<Arc<Shared>>;
type Res = Result<Response, HttpError>;

/// `/api/v2/workspaces/{ws}` + a path from `paths`.
fn at(path: &str) -> String {
    format!("{}/{{ws}}{}", paths::WORKSPACES_PREFIX, path)
}

/// The API router, with the fault middleware on every route.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(&at(""), get(resolver))
        .route(&at("/"), get(resolver))
        .route(&at(paths::WORKSPACE), get(workspace))
        .route(&at(paths::INFO), get(workspace))
        .route(&at(paths::USERS), get(list_members).post(invite_member))
        .route(
            &at(&paths::item_route(paths::USERS)),
            patch(change_role).delete(remove_member),
        )
        .route(&at(paths::TOKENS), get(list_tokens).post(create_token))
        .route(&at(&paths::item_route(paths::TOKENS)), delete(revoke_token))
        .route(&at(paths::SECRETS), get(list_secrets).post(put_secrets))
        .route(
            &at(&paths::item_route(paths::SECRETS)),
            delete(delete_secret),
        )
        .route(
            &at(paths::REGISTRIES),
            get(list_registries).post(add_registry),
        )
        .route(
            &at(&paths::item_route(paths::REGISTRIES)),
            delete(delete_registry),
        )
        .route(&at(paths::TEMPLATES_PUBLIC), get(list_public_templates))
        .route(&at(paths::TEMPLATES_PRIVATE), get(list_private_templates))
        .route(
            &at(&paths::item_route(paths::TEMPLATES_PUBLIC)),
            get(get_public_template),
        )
        .route(
            &at(&paths::item_route(paths::TEMPLATES_PRIVATE)),
            get(get_private_template),
        )
        .merge(super::workloads::routes::router())
        .route(
            &format!("{}/{{ws}}/{{*rest}}", paths::WORKSPACES_PREFIX),
            axum::routing::any(unknown_api_path),
        )
        // A known path with the wrong method: 405 with a `{code, message}`
        // body like every other error (axum's default body is empty).
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            faults::middleware,
        ))
        .with_state(shared)
}

fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    (status, Json(body)).into_response()
}

fn ok_empty() -> Response {
    StatusCode::OK.into_response()
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> HttpError {
    // The path relative to the workspace base: `/api/v2/workspaces/demo/jobs` → `/jobs`.
    let rest = uri
        .path()
        .strip_prefix(paths::WORKSPACES_PREFIX)
        .unwrap_or(uri.path())
        .trim_start_matches('/');
    let suffix = rest.find('/').map_or("/", |i| &rest[i..]);
    HttpError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("method {method} is not allowed on {suffix}"),
    )
}

async fn unknown_api_path(Path((ws, rest)): Path<(String, String)>) -> HttpError {
    HttpError::not_found(format!("no such API path: /{rest} (workspace {ws})"))
}

// ---------------------------------------------------------------- workspace

async fn resolver(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    Ok(json(StatusCode::OK, &w.resolver(s.base_url(&ws))))
}

async fn workspace(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    let caller = w.authorize(&headers, Need::Read, now_ms())?;
    Ok(json(StatusCode::OK, &w.info_for(&caller)))
}

// ---------------------------------------------------------------- members

async fn list_members(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::AdminRead, now_ms())?;
    Ok(json(StatusCode::OK, &w.members))
}

async fn invite_member(
    State(s): St,
    Path(ws): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::AdminWrite, now)?;
    let req: InviteRequest = parse_body(&body)?;
    let email = req.email.trim().to_ascii_lowercase();
    validate::email(&email).map_err(HttpError::validation)?;
    builtin_role(&req.role)?;
    if let Some(m) = w.members.iter().find(|m| m.email == email) {
        return Err(HttpError::conflict(match m.status {
            MemberStatus::Invited => format!("{email} already has a pending invitation"),
            _ => format!("{email} is already a member of this workspace"),
        }));
    }
    let member = Member {
        id: gen_id("u").into(),
        email: email.into(),
        name: None,
        role: req.role,
        status: MemberStatus::Invited,
        invited_by: Some(caller.email.into()),
        created_at: Some(now),
        last_active_at: None,
    };
    w.members.push(member.clone());
    tracing::info!(workspace = %ws, member = %member.id, "member invited");
    Ok(json(StatusCode::CREATED, &member))
}

fn builtin_role(role: &Role) -> Result<(), HttpError> {
    if role.is_unknown() {
        return Err(HttpError::validation(format!(
            "unknown role {:?}: use admin, user or viewer",
            role.as_str()
        )));
    }
    Ok(())
}

async fn change_role(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    w.authorize(&headers, Need::AdminWrite, now)?;
    let req: RoleUpdate = parse_body(&body)?;
    builtin_role(&req.role)?;
    let admins = w.active_admins();
    let m = w
        .members
        .iter_mut()
        .find(|m| m.id == id)
        .ok_or_else(|| HttpError::not_found(format!("member {id:?} not found")))?;
    if m.role == Role::Admin
        && m.status == MemberStatus::Active
        && req.role != Role::Admin
        && admins <= 1
    {
        return Err(HttpError::validation(format!(
            "{} is the last admin of this workspace; make someone else admin first",
            m.email
        )));
    }
    m.role = req.role;
    let m = m.clone();
    tracing::info!(workspace = %ws, member = %id, role = %m.role, "member role changed");
    Ok(json(StatusCode::OK, &m))
}

async fn remove_member(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    w.authorize(&headers, Need::AdminWrite, now)?;
    let admins = w.active_admins();
    let idx = w
        .members
        .iter()
        .position(|m| m.id == id)
        .ok_or_else(|| HttpError::not_found(format!("member {id:?} not found")))?;
    let m = &w.members[idx];
    if m.role == Role::Admin && m.status == MemberStatus::Active && admins <= 1 {
        return Err(HttpError::validation(format!(
            "{} is the last admin of this workspace and cannot be removed",
            m.email
        )));
    }
    w.members.remove(idx);
    // A removed member's tokens stop working.
    for t in w.tokens.iter_mut().filter(|t| t.member_id == id) {
        t.revoked = true;
    }
    tracing::info!(workspace = %ws, member = %id, "member removed");
    Ok(ok_empty())
}

// ---------------------------------------------------------------- tokens

async fn list_tokens(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    let caller = w.authorize(&headers, Need::Read, now_ms())?;
    let list: Vec<&Token> = w.visible_tokens(&caller).map(|e| &e.record).collect();
    Ok(json(StatusCode::OK, &list))
}

async fn create_token(
    State(s): St,
    Path(ws): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let req: CreateTokenRequest = parse_body(&body)?;
    validate::token_name(&req.name).map_err(HttpError::validation)?;
    if req.expires_in == 0 || req.expires_in > validate::MAX_TOKEN_SECONDS {
        return Err(HttpError::validation(format!(
            "expires_in must be between 1 and {} seconds",
            validate::MAX_TOKEN_SECONDS
        )));
    }
    let expires_at = now + (req.expires_in as i64) * 1000;
    let created = w.add_token(
        &caller.member_id,
        &caller.email,
        req.name.trim().to_string(),
        req.scopes,
        expires_at,
        now,
    );
    tracing::info!(workspace = %ws, token = %created.record.id, "token created");
    Ok(json(StatusCode::CREATED, &created))
}

async fn revoke_token(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let entry = w
        .tokens
        .iter_mut()
        .find(|t| {
            t.record.id == id
                && !t.revoked
                && (caller.is_admin() || t.member_id == caller.member_id)
        })
        .ok_or_else(|| HttpError::not_found(format!("token {id:?} not found")))?;
    entry.revoked = true;
    tracing::info!(workspace = %ws, token = %id, "token revoked");
    Ok(ok_empty())
}

// ---------------------------------------------------------------- secrets

async fn list_secrets(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    let caller = w.authorize(&headers, Need::Read, now_ms())?;
    let list: Vec<&Secret> = w.visible_secrets(&caller).collect();
    Ok(json(StatusCode::OK, &list))
}

async fn put_secrets(State(s): St, Path(ws): Path<String>, headers: HeaderMap, body: Bytes) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let value: serde_json::Value = parse_body(&body)?;
    if !value.is_array() {
        return Err(HttpError::invalid_request(format!(
            "expected a JSON array of secrets, got {}",
            json_kind(&value)
        )));
    }
    let items: Vec<SecretWrite> = parse_body(&body)?;
    if items.is_empty() {
        return Err(HttpError::validation("no secrets given"));
    }
    // Validate the whole batch before writing any of it.
    for (i, it) in items.iter().enumerate() {
        validate::secret_name(&it.name).map_err(HttpError::validation)?;
        if it.value.expose_secret().is_empty() {
            return Err(HttpError::validation(format!(
                "secret {} has an empty value",
                it.name
            )));
        }
        if items[..i].iter().any(|o| o.name == it.name) {
            return Err(HttpError::validation(format!(
                "secret {} appears twice in the request",
                it.name
            )));
        }
        if let Some(v) = &it.visibility
            && v.is_unknown()
        {
            return Err(HttpError::validation(format!(
                "unknown visibility {:?}: use public or private",
                v.as_str()
            )));
        }
        if let Some(existing) = w.secrets.iter().find(|e| e.item.name == it.name)
            && !secret_visible(&existing.item, &caller)
        {
            return Err(HttpError::conflict(format!(
                "a secret named {} already exists and belongs to someone else",
                it.name
            )));
        }
    }
    let names: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
    for it in items {
        match w.secrets.iter_mut().find(|e| e.item.name == it.name) {
            Some(e) => {
                // Upsert: a new value; visibility and tags only when given.
                e.value = it.value;
                if let Some(v) = it.visibility {
                    e.item.visibility = Some(v);
                }
                if !it.tags.is_empty() {
                    e.item.tags = it.tags.into_iter().map(Into::into).collect();
                }
            }
            None => w.secrets.push(SecretEntry {
                item: Secret {
                    name: it.name.into(),
                    tags: it.tags.into_iter().map(Into::into).collect(),
                    owner: Some(caller.email.clone().into()),
                    visibility: Some(it.visibility.unwrap_or(Visibility::Private)),
                },
                value: it.value,
            }),
        }
    }
    tracing::info!(workspace = %ws, secrets = ?names, "secrets written");
    Ok(ok_empty())
}

async fn delete_secret(
    State(s): St,
    Path((ws, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let idx = w
        .secrets
        .iter()
        .position(|e| e.item.name == name && secret_visible(&e.item, &caller))
        .ok_or_else(|| HttpError::not_found(format!("secret {name:?} not found")))?;
    w.secrets.remove(idx);
    tracing::info!(workspace = %ws, secret = %name, "secret deleted");
    Ok(ok_empty())
}

// ---------------------------------------------------------------- registries

async fn list_registries(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let list: Vec<&Registry> = w.registries.iter().map(|r| &r.item).collect();
    Ok(json(StatusCode::OK, &list))
}

async fn add_registry(
    State(s): St,
    Path(ws): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    let caller = w.authorize(&headers, Need::Write, now)?;
    let req: RegistryWrite = parse_body(&body)?;
    let name = req
        .metadata
        .name
        .clone()
        .or_else(|| req.metadata.id.clone())
        .unwrap_or_default();
    validate::registry_name(&name).map_err(HttpError::validation)?;
    if let Some(id) = &req.metadata.id
        && *id != name
    {
        return Err(HttpError::validation(
            "metadata.id, when given, must equal metadata.name",
        ));
    }
    let spec = req.spec;
    validate::registry_server(&spec.registry_server).map_err(HttpError::validation)?;
    validate::printable("username", &spec.username).map_err(HttpError::validation)?;
    if spec.username.trim().is_empty() {
        return Err(HttpError::validation("username must not be empty"));
    }
    if spec.password.expose_secret().is_empty() {
        return Err(HttpError::validation("password must not be empty"));
    }
    if let Some(e) = &spec.email
        && !e.is_empty()
    {
        validate::email(e).map_err(HttpError::validation)?;
    }
    if w.registries.iter().any(|r| r.item.id() == name) {
        return Err(HttpError::conflict(format!(
            "image pull secret {name} already exists"
        )));
    }
    let item = Registry {
        metadata: Metadata {
            id: Some(name.clone()),
            name: Some(name),
            created_at: Some(now),
            owner: Some(caller.email.clone().into()),
            more: crate::api::types::MetadataMore::by(caller.email),
            ..Default::default()
        },
        spec: RegistrySpec {
            registry_server: spec.registry_server.trim().to_string().into(),
            username: spec.username.into(),
            email: spec.email.filter(|e| !e.is_empty()).map(Into::into),
            provider: spec.provider.map(Into::into),
        },
    };
    let password: SecretString = spec.password;
    w.registries.push(RegistryEntry {
        item: item.clone(),
        password,
    });
    tracing::info!(workspace = %ws, registry = %item.id(), "registry added");
    Ok(json(StatusCode::CREATED, &item))
}

async fn delete_registry(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let now = now_ms();
    let mut store = s.store();
    let w = store.ws_mut(&ws)?;
    w.authorize(&headers, Need::Write, now)?;
    let idx = w
        .registries
        .iter()
        .position(|r| r.item.id() == id)
        .ok_or_else(|| HttpError::not_found(format!("image pull secret {id:?} not found")))?;
    w.registries.remove(idx);
    tracing::info!(workspace = %ws, registry = %id, "registry deleted");
    Ok(ok_empty())
}

// ---------------------------------------------------------------- templates

async fn list_public_templates(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    store.ws(&ws)?.authorize(&headers, Need::Read, now_ms())?;
    Ok(json(StatusCode::OK, &store.templates_public))
}

async fn list_private_templates(State(s): St, Path(ws): Path<String>, headers: HeaderMap) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    Ok(json(StatusCode::OK, &w.templates_private))
}

async fn get_public_template(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    store.ws(&ws)?.authorize(&headers, Need::Read, now_ms())?;
    let t = store
        .templates_public
        .iter()
        .find(|t| t.id() == id)
        .ok_or_else(|| HttpError::not_found(format!("public template {id:?} not found")))?;
    Ok(json(StatusCode::OK, t))
}

async fn get_private_template(
    State(s): St,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Res {
    let store = s.store();
    let w = store.ws(&ws)?;
    w.authorize(&headers, Need::Read, now_ms())?;
    let t = w
        .templates_private
        .iter()
        .find(|t| t.id() == id)
        .ok_or_else(|| HttpError::not_found(format!("private template {id:?} not found")))?;
    Ok(json(StatusCode::OK, t))
}
